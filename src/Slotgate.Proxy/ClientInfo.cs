namespace Slotgate.Proxy;

/// <summary>What Slotgate knows about a client connection (for CLIENT ID/INFO/LIST and logs).</summary>
internal sealed class ClientInfo(long id, string remoteEndpoint, Func<string> localEndpoint)
{
    private string? _localEndpoint;

    public ClientInfo(long id, string remoteEndpoint, string localEndpoint)
        : this(id, remoteEndpoint, () => localEndpoint)
    {
        _localEndpoint = localEndpoint;
    }

    public long Id { get; } = id;

    public string RemoteEndpoint { get; } = remoteEndpoint;

    /// <summary>The address the client connected to; read from the socket only when asked (CLIENT LIST, CLUSTER emulation).</summary>
    public string LocalEndpoint => _localEndpoint ??= localEndpoint();

    public DateTimeOffset ConnectedAt { get; } = DateTimeOffset.UtcNow;

    /// <summary>
    /// Chooses this client's backend connection on every node, so its commands to a node stay in order. On the event
    /// loops it is chosen so that those connections live on the client's own loop.
    /// </summary>
    public int Affinity { get; set; } = (int)(id & int.MaxValue);

    public string? Name { get; set; }

    /// <summary>The peer identity (SPIFFE ID) from the connection's PROXY v2 header, or null.</summary>
    public string? Identity { get; init; }

    /// <summary>The user <see cref="Identity"/> is bound to (<c>auth.users[].identities</c>): the connection starts as it.</summary>
    public Security.AclUser? IdentityUser { get; init; }

    /// <summary>The connection's <see cref="Diagnostics.IdentityStats"/> bucket, found once when it connects.</summary>
    public int IdentityBucket { get; init; }

    /// <summary>The protocol the client chose with HELLO: RESP3 when true, RESP2 otherwise.</summary>
    public bool Resp3 { get; set; }

    public string? LibraryName { get; set; }

    public string? LibraryVersion { get; set; }

    /// <summary>The last command's name (a command-table string, so setting it allocates nothing).</summary>
    public string? LastCommand { get; set; }

    /// <summary>The user the client is authenticated as (<c>default</c> when authentication is off).</summary>
    public string User { get; set; } = "default";

    /// <summary>The client's address without the port: what failed authentications are counted by.</summary>
    public string RemoteAddress
    {
        get
        {
            int colon = RemoteEndpoint.LastIndexOf(':');
            return colon > 0 && !RemoteEndpoint.EndsWith(']') ? RemoteEndpoint[..colon] : RemoteEndpoint;
        }
    }

    /// <summary><see cref="Environment.TickCount64"/> of the last command, for CLIENT LIST's idle.</summary>
    public long LastActive { get; set; } = Environment.TickCount64;
}
