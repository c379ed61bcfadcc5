namespace Slotgate.Cluster;

/// <summary>One Redis node as the cluster describes it.</summary>
/// <param name="Id">The node's 40-character cluster node id (may be empty when learned from a MOVED reply).</param>
/// <param name="Endpoint">The <c>host:port</c> clients use to reach it.</param>
/// <param name="IsPrimary">True for a primary, false for a replica.</param>
/// <param name="Healthy">False when the cluster reports the node as failing or loading (CLUSTER SHARDS <c>health</c>).</param>
internal sealed record ClusterNode(string Id, string Endpoint, bool IsPrimary, bool Healthy = true);
