namespace Slotgate.Import;

/// <summary>What <see cref="EnvoyClusterMapper"/> found in a cluster: whether it is a Redis Cluster, its endpoints and lb_policy.</summary>
internal sealed record MappedCluster(bool IsRedisCluster, IReadOnlyList<string> Endpoints, string LbPolicy);
