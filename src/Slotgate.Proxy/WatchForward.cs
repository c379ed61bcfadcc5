using System.Buffers;
using Slotgate.Backend;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// Sends the client's WATCH on the session's pinned connection. A redirect means the keys are not on that node: the
/// transaction is marked so its EXEC answers nil (Redis's "watched keys changed, retry"), and the client gets +OK for
/// WATCH, since a MOVED must never reach it.
/// </summary>
internal sealed class WatchForward : BackendRequest
{
    private readonly Transaction _transaction;
    private readonly Router _router;
    private readonly ProxyRequest _client;

    public WatchForward(Transaction transaction, Router router, ProxyRequest client)
    {
        _transaction = transaction;
        _router = router;
        _client = client;
        Frame.CopyFrom(client.Frame);
    }

    public override void OnReply(in ReadOnlySequence<byte> reply)
    {
        if (reply.FirstSpan[0] == (byte)'-' && _router.ReadRedirect(reply, SentTo, out _, out _) != RedirectKind.None)
        {
            _transaction.WatchBroken = true;
            _client.ReplyWriter.Write("+OK\r\n"u8);
        }
        else
        {
            _client.SetReply(reply);
        }
        _client.Complete();
    }

    public override void OnFailure(string error)
    {
        _transaction.WatchBroken = true;
        _client.SetError(error);
        _client.Complete();
    }
}
