namespace Slotgate.Cluster;

/// <summary>How the topology is discovered and refreshed.</summary>
internal sealed record TopologySettings
{
    public IReadOnlyList<string> Seeds { get; init; } = [];

    /// <summary>Periodic refresh interval.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Minimum time between two refreshes (debounce for MOVED storms and failing connections).</summary>
    public TimeSpan MinInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long one node may take to answer a discovery command.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Nodes are reached over TLS, so their TLS ports are the ones to route to.</summary>
    public bool Tls { get; init; }

    /// <summary>Where redirects, refreshes and per-node requests are counted.</summary>
    public Diagnostics.SlotgateMetrics Metrics { get; init; } = Diagnostics.SlotgateMetrics.Unobserved;
}
