namespace Slotgate.Proxy;

/// <summary>
/// A (un)subscribe command waiting for its confirmations: Redis answers one frame per channel, possibly from several
/// connections (SUNSUBSCRIBE without arguments), and the client's reply is all of them, in order, once complete.
/// Re-subscriptions after a reconnect have no client request: their confirmations are swallowed.
/// </summary>
internal sealed class PendingPubSubReply(Routing.ProxyRequest? request, int frames, byte[] command)
{
    public Routing.ProxyRequest? Request { get; } = request;

    public int Remaining { get; set; } = frames;

    /// <summary>
    /// For one connection's share of a command answered by several connections: the whole command's entry, which holds
    /// the client's request and the total count.
    /// </summary>
    public PendingPubSubReply? Parent { get; init; }

    /// <summary>True once the client's request has been completed: later frames must not touch it (it may be reused).</summary>
    public bool Done { get; set; }

    /// <summary>The entry whose request receives the frames.</summary>
    public PendingPubSubReply Owner => Parent ?? this;

    /// <summary>The encoded command, kept so it can be re-sent where a MOVED says its channel lives.</summary>
    public byte[] Command { get; } = command;
}
