using Slotgate.Cluster;

namespace Slotgate.Backend;

/// <summary>A backend node could not be reached or answered; the message is a Redis-style error line.</summary>
internal sealed class BackendException(string message) : ClusterNodeException(message);
