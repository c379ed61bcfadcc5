namespace Slotgate.Cluster;

/// <summary>A node could not be reached or answered; the message is a Redis-style error line.</summary>
internal class ClusterNodeException(string message) : Exception(message);
