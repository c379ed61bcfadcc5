using System.Buffers;
using Slotgate.Backend;
using Slotgate.Cluster;
using Slotgate.Commands;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// One client's WATCH/MULTI/EXEC state. MULTI is answered by Slotgate and the commands are queued here (each answered
/// +QUEUED, or with the error Redis would give, which makes EXEC answer EXECABORT as Redis does); EXEC then runs the
/// whole transaction on a dedicated backend connection (<see cref="ExecForward"/>). WATCH pins that connection early,
/// to the node of the watched keys. All keys of a transaction, watched ones included, must share one hash slot, as in
/// Redis Cluster. Only the session's reader touches this state, except <see cref="WatchBroken"/>.
/// </summary>
internal sealed class Transaction(DedicatedConnections connections, Router router)
{
    private List<RequestFrame> _queued = [];
    private BackendConnection? _watched;
    private int _slot = HashSlot.None;
    private bool _aborted;

    public bool InMulti { get; private set; }

    /// <summary>Set (from a backend thread) when a WATCH could not be placed where the keys live.</summary>
    public volatile bool WatchBroken;

    /// <summary>MULTI, EXEC, DISCARD, WATCH or UNWATCH from the client.</summary>
    public void Dispatch(ProxyRequest request, CommandInfo command)
    {
        switch (command.Name)
        {
            case "multi":
                Multi(request);
                break;
            case "exec":
                Exec(request);
                break;
            case "discard":
                Discard(request);
                break;
            case "unwatch":
                if (InMulti)
                {
                    QueueOrRefuse(request, command);
                }
                else
                {
                    Unwatch(request);
                }
                break;
            default:
                int slot = KeySlots.Of(request.Frame, command, out _);
                Watch(request, slot);
                break;
        }
    }

    /// <summary>Inside MULTI: queue the command if Redis would, or answer its error and doom the EXEC.</summary>
    public void QueueOrRefuse(ProxyRequest request, CommandInfo command)
    {
        if ((command.Flags & CommandFlags.NoMulti) != 0 || command.Local == LocalCommand.ClientReply
            || command.Name is "client|tracking" or "client|caching")
        {
            // CLIENT REPLY too: run inside EXEC, Redis drops replies from the middle of EXEC's array. CLIENT TRACKING and
            // CACHING change Slotgate's tracking of this client, which EXEC's node connection knows nothing of.
            Fail(request, "ERR Command not allowed inside a transaction");
            return;
        }
        int slot = KeySlots.Of(request.Frame, command, out _);
        if (slot == HashSlot.Multiple)
        {
            Fail(request, "CROSSSLOT Keys in request don't hash to the same slot");
            return;
        }
        Queue(request, slot);
    }

    private void Multi(ProxyRequest request)
    {
        if (InMulti)
        {
            request.SetError("ERR MULTI calls can not be nested");
        }
        else
        {
            InMulti = true;
            _aborted = false;
            request.ReplyWriter.Write("+OK\r\n"u8);
        }
        request.Complete();
    }

    /// <summary>Queues a command inside MULTI; <paramref name="slot"/> is the slot of its keys (or None).</summary>
    private void Queue(ProxyRequest request, int slot)
    {
        int combined = HashSlot.Combine(_slot, slot);
        if (combined == HashSlot.Multiple)
        {
            Fail(request, "CROSSSLOT Keys in request don't hash to the same slot");
            return;
        }
        _slot = combined;
        var frame = new RequestFrame();
        frame.CopyFrom(request.Frame);
        _queued.Add(frame);
        request.ReplyWriter.Write("+QUEUED\r\n"u8);
        request.Complete();
    }

    /// <summary>A command rejected inside MULTI: Redis replies the error now and EXEC answers EXECABORT.</summary>
    public void Fail(ProxyRequest request, string error)
    {
        _aborted = true;
        ReplyError(request, error);
    }

    private void Exec(ProxyRequest request)
    {
        if (!InMulti)
        {
            ReplyError(request, "ERR EXEC without MULTI");
            return;
        }
        List<RequestFrame> commands = _queued;
        BackendConnection? watched = _watched;
        bool aborted = _aborted;
        bool broken = WatchBroken;
        int slot = _slot;
        Reset();
        if (aborted)
        {
            Release(watched);
            ReplyError(request, "EXECABORT Transaction discarded because of previous errors.");
        }
        else if (broken)
        {
            Release(watched);
            request.ReplyWriter.Write("*-1\r\n"u8);
            request.Complete();
        }
        else if (commands.Count == 0)
        {
            // Nothing queued: Redis answers an empty array (after checking WATCHed keys, which only matters when
            // something would run).
            Release(watched);
            request.ReplyWriter.Write("*0\r\n"u8);
            request.Complete();
        }
        else
        {
            new ExecForward(router, connections, request, commands, slot, watched).Start();
        }
    }

    /// <summary>
    /// EXEC refused before it runs (wrong arity): as Redis does, the transaction and every WATCH are dropped, in MULTI
    /// or not, and the error comes back as EXECABORT.
    /// </summary>
    public void AbortExec(ProxyRequest request, string reason)
    {
        Release(_watched);
        Reset();
        request.Rejected = true;
        ReplyError(request, $"EXECABORT Transaction discarded because of: {reason}");
    }

    private void Discard(ProxyRequest request)
    {
        if (!InMulti)
        {
            ReplyError(request, "ERR DISCARD without MULTI");
            return;
        }
        Release(_watched);
        Reset();
        request.ReplyWriter.Write("+OK\r\n"u8);
        request.Complete();
    }

    /// <summary>WATCH keys in <paramref name="slot"/>: sent on a connection pinned to that slot's primary until EXEC, DISCARD or UNWATCH.</summary>
    private void Watch(ProxyRequest request, int slot)
    {
        if (InMulti)
        {
            ReplyError(request, "ERR WATCH inside MULTI is not allowed");
            return;
        }
        int combined = HashSlot.Combine(_slot, slot);
        if (combined == HashSlot.Multiple)
        {
            ReplyError(request, "CROSSSLOT Keys in request don't hash to the same slot");
            return;
        }
        if (_watched is null)
        {
            string? endpoint = router.PrimaryFor(combined);
            if (endpoint is null)
            {
                ReplyError(request, "CLUSTERDOWN Hash slot not served");
                return;
            }
            _watched = connections.Rent(endpoint, request.Resp3);
        }
        _slot = combined;
        _watched.Send(new WatchForward(this, router, request));
    }

    private void Unwatch(ProxyRequest request)
    {
        if (!InMulti)
        {
            Release(_watched);
            Reset();
        }
        // Inside MULTI, UNWATCH is queued like any command by the caller; here it is a plain UNWATCH.
        request.ReplyWriter.Write("+OK\r\n"u8);
        request.Complete();
    }

    /// <summary>The client left: its pinned connection's WATCH state is of no use to anyone.</summary>
    public void Close()
    {
        if (_watched is { } watched)
        {
            connections.Return(watched, reusable: false);
        }
        Reset();
    }

    private void Release(BackendConnection? watched)
    {
        if (watched is not null)
        {
            new UnwatchForward(connections, watched).Start();
        }
    }

    private void Reset()
    {
        InMulti = false;
        _aborted = false;
        WatchBroken = false;
        _watched = null;
        _slot = HashSlot.None;
        _queued = [];
    }

    /// <summary>Answers <paramref name="request"/> with <paramref name="error"/> and completes it.</summary>
    private static void ReplyError(ProxyRequest request, string error)
    {
        request.SetError(error);
        request.Complete();
    }
}
