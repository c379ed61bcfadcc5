namespace Slotgate.Proxy;

/// <summary>How Slotgate describes itself in INFO and HELLO.</summary>
internal sealed class ServerIdentity
{
    /// <summary>
    /// The Redis version Slotgate presents to clients: the command set it routes is Redis 7.0's, so clients that
    /// pick features by version see what actually works through it.
    /// </summary>
    public const string RedisVersion = "7.0.0";

    private long _connectedClients;

    public string Version { get; } = typeof(ServerIdentity).Assembly.GetName().Version?.ToString(3) ?? "0.1.0";

    public string RunId { get; } = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public TimeSpan Uptime => DateTimeOffset.UtcNow - StartedAt;

    public int Port { get; set; }

    /// <summary>What serves the sockets: <c>epoll</c> or <c>io_uring</c> event loops, or <c>kestrel</c>.</summary>
    public string IoTransport { get; set; } = "kestrel";

    /// <summary>Why: the configured transport, or the reason io_uring was not used.</summary>
    public string IoTransportReason { get; set; } = "io.transport: kestrel";

    public long ConnectedClients => Interlocked.Read(ref _connectedClients);

    /// <summary>Counts a new client and returns how many are connected now, this one included.</summary>
    public long ClientConnected() => Interlocked.Increment(ref _connectedClients);

    public void ClientDisconnected() => Interlocked.Decrement(ref _connectedClients);
}
