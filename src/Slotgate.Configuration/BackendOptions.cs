namespace Slotgate.Configuration;

/// <summary>Connections from the proxy to each Redis node.</summary>
internal sealed record BackendOptions
{
    public const int MinConnectionsPerNode = 1;
    public const int MaxConnectionsPerNode = 64;

    /// <summary>Connections per node when Kestrel's transport carries them: a second spreads the work over two threads.</summary>
    public const int KestrelConnectionsPerNode = 2;

    /// <summary>
    /// Multiplexed connections per node; null (the default) picks <see cref="EffectiveConnectionsPerNode"/>.
    /// Pipelining makes one connection go far: on the event loops, one per loop, so every loop's clients have their
    /// own and each connection gets the biggest batches (measured, docs/decisions.md).
    /// </summary>
    public int? ConnectionsPerNode { get; init; }

    /// <summary>
    /// What <see cref="ConnectionsPerNode"/> comes to: as set, else one per event loop when the node connections run on
    /// the loops (plaintext), else <see cref="KestrelConnectionsPerNode"/>.
    /// </summary>
    public int EffectiveConnectionsPerNode(IoOptions io, bool clusterTls) =>
        ConnectionsPerNode ?? (io.UsesEventLoops && !clusterTls ? io.EventLoopCount : KestrelConnectionsPerNode);

    /// <summary>Limit on TCP connect plus the AUTH/HELLO handshake.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a forwarded command may wait for its reply before the client gets an error.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>First delay before reconnecting a failed connection; doubles up to <see cref="ReconnectBackoffMax"/>.</summary>
    public TimeSpan ReconnectBackoffMin { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan ReconnectBackoffMax { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Failed connections to one node replaced per second, at most; a node that resets every connection, or a failover
    /// that breaks them all, cannot cause a connection storm. First connections are not counted.
    /// </summary>
    public int MaxReconnectsPerSecond { get; init; } = 10;
}
