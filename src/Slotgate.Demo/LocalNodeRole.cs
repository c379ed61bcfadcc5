namespace Slotgate.Demo;

/// <summary>A node's role as the cluster last agreed on it.</summary>
internal enum LocalNodeRole
{
    /// <summary>Not read from the cluster yet (the node has not joined, or has been stopped since start).</summary>
    Unknown,
    Primary,
    Replica,
}
