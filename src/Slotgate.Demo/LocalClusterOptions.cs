namespace Slotgate.Demo;

/// <summary>
/// Shape and timing of a <see cref="LocalRedisCluster"/>. The redis.conf written for every node follows the reference
/// deployment (<c>cluster-require-full-coverage no</c>, <c>cluster-migration-barrier 1</c>, <c>protected-mode no</c>) but
/// without persistence, because a local cluster is thrown away on dispose.
/// </summary>
internal sealed record LocalClusterOptions
{
    /// <summary>Ports are laid out as <c>BasePort + i</c>, and Redis puts each cluster bus on <c>port + 10000</c>.</summary>
    public const int ClusterBusPortOffset = 10000;

    public int Primaries { get; init; } = 3;

    public int ReplicasPerPrimary { get; init; } = 1;

    /// <summary>First client port; nodes use consecutive ports. Null picks free ports (those and their bus ports).</summary>
    public int? BasePort { get; init; }

    /// <summary>With <see cref="BasePort"/>: how long to wait for its ports to be free (a cluster just stopped may hold them a moment).</summary>
    public TimeSpan PortWaitTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Where node directories go. Null creates a temp directory that is deleted on dispose; a given directory is kept
    /// (logs stay readable after a demo) but the node sub-directories in it are wiped at start, so a stale nodes.conf
    /// can never make a fresh cluster join an old one.
    /// </summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>
    /// Redis's <c>cluster-node-timeout</c>. The reference deployment uses 15 s; tests use about 2 s so failure detection
    /// and replica promotion take seconds, not half a minute.
    /// </summary>
    public TimeSpan NodeTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Upper bound for <see cref="LocalRedisCluster.StartAsync"/> as a whole: processes, handshake and convergence.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Upper bound for one cluster operation: a convergence wait, a failover, a migration step.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(45);

    /// <summary>Upper bound for a single command sent to a node.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <c>requirepass</c> (and <c>masterauth</c>, so replicas can sync) of every node; the launcher authenticates with
    /// it. Null (the default) leaves the nodes open. Slot migration with keys (MIGRATE) does not pass it on.
    /// </summary>
    public string? Password { get; init; }

    /// <summary>Nodes that speak TLS only; null (the default) is plain TCP.</summary>
    public LocalClusterTls? Tls { get; init; }

    /// <summary>Explicit redis-server binary; null searches PATH and the Debian locations.</summary>
    public string? RedisServerPath { get; init; }

    /// <summary>The layout <c>slotgate-demo</c> uses: fixed ports 30001.. so a human can point redis-cli at them.</summary>
    public static LocalClusterOptions Demo { get; } = new() { BasePort = 30001, NodeTimeout = TimeSpan.FromSeconds(5) };

    public int NodeCount => Primaries * (1 + ReplicasPerPrimary);

    /// <summary>Every problem with these options, so a caller fixes them all at once.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Primaries < 1)
        {
            errors.Add($"{nameof(Primaries)}: must be at least 1, was {Primaries}.");
        }
        if (Primaries > 16384)
        {
            errors.Add($"{nameof(Primaries)}: at most 16384 (one slot each), was {Primaries}.");
        }
        if (ReplicasPerPrimary < 0)
        {
            errors.Add($"{nameof(ReplicasPerPrimary)}: must not be negative, was {ReplicasPerPrimary}.");
        }
        if (BasePort is int port && (port < 1 || port + NodeCount - 1 + ClusterBusPortOffset > 65535))
        {
            errors.Add($"{nameof(BasePort)}: {port} leaves no room for {NodeCount} nodes and their bus ports (port + {ClusterBusPortOffset}).");
        }
        if (NodeTimeout < TimeSpan.FromMilliseconds(100))
        {
            errors.Add($"{nameof(NodeTimeout)}: must be at least 100 ms, was {NodeTimeout.TotalMilliseconds} ms.");
        }
        foreach ((string name, TimeSpan value) in new[] { (nameof(StartTimeout), StartTimeout), (nameof(OperationTimeout), OperationTimeout), (nameof(CommandTimeout), CommandTimeout) })
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"{name}: must be positive, was {value}.");
            }
        }
        return errors;
    }
}
