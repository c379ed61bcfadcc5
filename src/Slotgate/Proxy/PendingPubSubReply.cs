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

    /// <summary>The encoded command, kept so it can be re-sent where a MOVED says its channel lives.</summary>
    public byte[] Command { get; } = command;
}
