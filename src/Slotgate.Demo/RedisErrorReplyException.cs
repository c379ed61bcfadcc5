namespace Slotgate.Demo;

/// <summary>
/// A node answered a launcher command with a RESP error (<c>-ERR ...</c>, <c>-MOVED ...</c>). Kept apart from
/// <see cref="LocalClusterException"/> so tests can assert on the server's exact words.
/// </summary>
internal sealed class RedisErrorReplyException(int port, string command, string error)
    : Exception($"127.0.0.1:{port} replied to {command} with error: {error}")
{
    public int Port { get; } = port;

    /// <summary>The error text as the server sent it, without the leading '-'.</summary>
    public string Error { get; } = error;
}
