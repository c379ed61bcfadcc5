using Slotgate.Protocol;

namespace Slotgate.Cluster;

/// <summary>
/// How the cluster layer asks a node about the topology (CLUSTER SHARDS, CLUSTER SLOTS) and learns that a node stopped
/// answering. The backend layer implements it with its pooled node connections; the cluster layer owns the contract so
/// it never depends on the layer above it.
/// </summary>
internal interface IClusterNodeClient
{
    /// <summary>Raised with the node's endpoint when a connection to it fails.</summary>
    event Action<string>? NodeConnectionFailed;

    /// <summary>
    /// Sends one command to the node at <paramref name="endpoint"/> and returns its reply (a Redis error reply is a
    /// reply, not an exception). Throws <see cref="ClusterNodeException"/> when the node cannot be reached or answered,
    /// <see cref="TimeoutException"/> when no reply came within <paramref name="timeout"/>.
    /// </summary>
    Task<RespValue> ExecuteAsync(string endpoint, TimeSpan timeout, params string[] args);
}
