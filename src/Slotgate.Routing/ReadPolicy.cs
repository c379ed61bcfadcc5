namespace Slotgate.Routing;

/// <summary>Where read-only commands go (Envoy redis_proxy's read policies). Writes always go to the primary.</summary>
internal enum ReadPolicy
{
    Primary,

    /// <summary>The primary; a replica only while the cluster reports the primary down.</summary>
    PreferPrimary,

    /// <summary>Replicas only (a clear error when the shard has none up).</summary>
    Replica,

    /// <summary>A replica; the primary only while no replica is up.</summary>
    PreferReplica,

    /// <summary>Any node of the shard, spread by client.</summary>
    Any,
}
