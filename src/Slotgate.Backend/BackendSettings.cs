namespace Slotgate.Backend;

/// <summary>What backend connections need to know, taken from the options at start-up.</summary>
internal sealed record BackendSettings
{
    public int ConnectionsPerNode { get; init; } = 2;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan ReconnectBackoffMin { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan ReconnectBackoffMax { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Replacements of failed connections per node and second (see <see cref="ReconnectLimiter"/>).</summary>
    public int MaxReconnectsPerSecond { get; init; } = 10;

    /// <summary>
    /// Write queued commands on the thread that queued them (event loops: the write only fills the pipe, and the send
    /// waits for the loop's batch), rather than waking a writer task on the thread pool.
    /// </summary>
    public bool InlineWrites { get; init; }


    /// <summary>AUTH credentials, current at each connect (they can be rotated through files while running).</summary>
    public BackendCredentials Credentials { get; init; } = BackendCredentials.None;

    /// <summary>Where redirects, refreshes and per-node requests are counted.</summary>
    public Diagnostics.SlotgateMetrics Metrics { get; init; } = Diagnostics.SlotgateMetrics.Unobserved;
}
