namespace Slotgate.Routing;

/// <summary>
/// Where a client command's reply goes: the client's session. It counts each reply's bytes against the client's
/// byte budget from when the reply is final until it is written, and, when the client's writer is waiting for
/// exactly that reply, takes it straight from the node's read buffer into the client's output.
/// </summary>
internal interface IReplyTarget
{
    /// <summary>A reply of <paramref name="bytes"/> bytes is final and waits in its request to be written.</summary>
    void ReplyReady(int bytes);

    /// <summary>
    /// Writes <paramref name="reply"/>, the final reply to <paramref name="request"/>, to the client now, if every
    /// earlier reply is written and the writer is parked on this thread; false when the request must keep a copy.
    /// </summary>
    bool TryWriteReply(ProxyRequest request, ReadOnlySpan<byte> reply);
}
