namespace Slotgate.Configuration;

/// <summary>Connections from the proxy to each Redis node.</summary>
internal sealed record BackendOptions
{
    public const int MinConnectionsPerNode = 1;
    public const int MaxConnectionsPerNode = 64;

    /// <summary>
    /// Multiplexed connections per node. Pipelining makes one connection go far; a second spreads the socket and parsing
    /// work over two threads and keeps one usable while the other reconnects.
    /// </summary>
    public int ConnectionsPerNode { get; init; } = 2;

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
