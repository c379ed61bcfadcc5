using System.Buffers;
using Slotgate.Backend;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// A client's PUBLISH on its way to a primary. Redis Cluster answers with the receivers connected to that node only;
/// the client gets the larger of that and the receivers subscribed through this Slotgate (counted when the command was
/// read), so a client subscribed through Slotgate on another node is counted as one Redis would count it. Relays are
/// reused (<see cref="PublishRelayPool"/>): a PUBLISH allocates nothing.
/// </summary>
internal sealed class PublishRelay(PublishRelayPool pool) : BackendRequest
{
    private ProxyRequest? _client;
    private long _local;

    /// <summary>Takes the client's command; <paramref name="localReceivers"/> is what this Slotgate counted for it.</summary>
    public void Start(ProxyRequest client, long localReceivers)
    {
        _client = client;
        _local = localReceivers;
        Frame.CopyFrom(client.Frame);
        Asking = false;
        SentTo = null;
    }

    public override void OnReply(in ReadOnlySequence<byte> reply)
    {
        ProxyRequest client = Take();
        if (RespReplyReader.TryReadInteger(reply, out long nodeReceivers) && nodeReceivers < _local)
        {
            client.SetReply(ReadOnlySpan<byte>.Empty);
            RespWriter.WriteInteger(client.ReplyWriter, _local);
        }
        else
        {
            client.SetReply(reply);
        }
        Finish(client);
    }

    public override void OnFailure(string error)
    {
        ProxyRequest client = Take();
        client.SetError(error);
        Finish(client);
    }

    private ProxyRequest Take()
    {
        ProxyRequest client = _client!;
        _client = null;
        return client;
    }

    /// <summary>Back to the pool first: completing the client's request may run its writer inline.</summary>
    private void Finish(ProxyRequest client)
    {
        pool.Return(this);
        client.Complete();
    }
}

/// <summary>
/// Idle <see cref="PublishRelay"/>s. Each thread keeps a few of its own in front of the shared stack: on an event loop a
/// relay is rented and returned on the loop's thread, so a <c>PUBLISH</c> takes no lock other loops take too. A relay
/// carries nothing of its pool but the way back, so a thread's own relays serve every pool that thread works for.
/// </summary>
internal sealed class PublishRelayPool
{
    private const int MaxIdle = 256;
    private const int MaxIdlePerThread = 64;

    [ThreadStatic]
    private static Stack<PublishRelay>? t_idle;

    private readonly Stack<PublishRelay> _idle = new();

    public PublishRelay Rent()
    {
        if (t_idle is { } own && own.TryPop(out PublishRelay? cached))
        {
            return cached;
        }
        lock (_idle)
        {
            if (_idle.TryPop(out PublishRelay? relay))
            {
                return relay;
            }
        }
        return new PublishRelay(this);
    }

    public void Return(PublishRelay relay)
    {
        Stack<PublishRelay> own = t_idle ??= new Stack<PublishRelay>(MaxIdlePerThread);
        if (own.Count < MaxIdlePerThread)
        {
            own.Push(relay);
            return;
        }
        lock (_idle)
        {
            if (_idle.Count < MaxIdle)
            {
                _idle.Push(relay);
            }
        }
    }
}
