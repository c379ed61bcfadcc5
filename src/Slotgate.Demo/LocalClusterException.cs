namespace Slotgate.Demo;

/// <summary>
/// A step of starting or operating a local cluster failed. The message names the step and carries the tail of
/// the relevant redis-server logs, because the log is almost always where the real reason is.
/// </summary>
internal sealed class LocalClusterException : Exception
{
    public LocalClusterException(string message)
        : base(message)
    {
    }

    public LocalClusterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
