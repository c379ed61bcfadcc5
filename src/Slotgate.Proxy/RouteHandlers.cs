using System.Text;
using Slotgate.Cluster;
using Slotgate.Commands;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// What each <see cref="RouteKind"/> does with an admitted command: a table from route kind to handler, built once.
/// A handler returns true for a command that must run on a dedicated connection (EXEC, WATCH, blocking commands); the
/// session then waits until its earlier commands completed and runs it through <see cref="ExecutePinned"/>.
/// </summary>
internal sealed class RouteHandlers
{
    private delegate bool Handler(ClientSession session, ProxyRequest request, CommandInfo command, CommandRoute route);

    private readonly Router _router;
    private readonly LocalCommands _local;
    private readonly BlockingCommands _blocking;
    private readonly WaitCommand _wait;
    private readonly ClientRegistry _clients;
    private readonly PubSubService _pubSub;
    private readonly TrackingService _tracking;
    private readonly Diagnostics.SlotgateMetrics _metrics;
    private readonly Handler[] _byKind;

    public RouteHandlers(DispatcherServices services, ClientRegistry clients, TrackingService tracking)
    {
        _tracking = tracking;
        _router = services.Router;
        _local = services.Local;
        _blocking = services.Blocking;
        _metrics = services.Metrics;
        _wait = new WaitCommand(_router.Pool, _router.Topology);
        _clients = clients;
        _pubSub = services.PubSub;
        // Each handler's delegate is made here, once; a command only reads the array.
        _byKind = new Handler[Enum.GetValues<RouteKind>().Length];
        _byKind[(int)RouteKind.Forward] = Forward;
        _byKind[(int)RouteKind.Local] = Local;
        _byKind[(int)RouteKind.SplitValues] = SplitValues;
        _byKind[(int)RouteKind.SplitPairs] = SplitPairs;
        _byKind[(int)RouteKind.SplitSum] = SplitSum;
        _byKind[(int)RouteKind.FanOutSum] = FanOutSum;
        _byKind[(int)RouteKind.FanOutAllOk] = FanOutAllOk;
        _byKind[(int)RouteKind.FanOut] = FanOutByRoute;
        _byKind[(int)RouteKind.Scan] = Scan;
        _byKind[(int)RouteKind.Info] = Info;
        _byKind[(int)RouteKind.Transaction] = Transaction;
        _byKind[(int)RouteKind.Blocking] = Blocking;
        _byKind[(int)RouteKind.PubSub] = PubSub;
        _byKind[(int)RouteKind.Wait] = Wait;
        _byKind[(int)RouteKind.ClientUnblock] = ClientUnblock;
        _byKind[(int)RouteKind.BySlotArgument] = BySlotArgument;
        _byKind[(int)RouteKind.Tracking] = Tracking;
        _byKind[(int)RouteKind.Debug] = Debug;
        _byKind[(int)RouteKind.NotSupported] = NotSupported;
        foreach (RouteKind kind in Enum.GetValues<RouteKind>())
        {
            _ = _byKind[(int)kind] ?? throw new InvalidOperationException($"No handler for route kind {kind}.");
        }
    }

    /// <summary>Hands an admitted command to its route's handler; true when it must wait for a dedicated connection.</summary>
    public bool Execute(ClientSession session, ProxyRequest request, CommandInfo command, CommandRoute route) =>
        _byKind[(int)route.Kind](session, request, command, route);

    /// <summary>Runs a command <see cref="Execute"/> deferred, once the client's earlier commands have completed.</summary>
    public void ExecutePinned(ClientSession session, ProxyRequest request, CommandInfo command, RouteKind kind)
    {
        switch (kind)
        {
            case RouteKind.Transaction:
                session.Transaction.Dispatch(request, command);
                break;
            case RouteKind.Blocking:
                ExecuteBlocking(session, request, command);
                break;
            default:
                ForwardNow(session, request, command);
                break;
        }
    }

    private bool Forward(ClientSession session, ProxyRequest request, CommandInfo command, CommandRoute route)
    {
        if (IsBlockingVariant(command, request.Frame))
        {
            return true;
        }
        ForwardNow(session, request, command);
        return false;
    }

    private bool Local(ClientSession session, ProxyRequest request, CommandInfo command, CommandRoute route)
    {
        _local.Execute(session, request, command);
        // A local answer may need the nodes' part (SLOWLOG GET count NODES): its children are merged into the reply.
        if (request.Children.Count > 0)
        {
            _router.DispatchChildren(request);
        }
        else
        {
            request.Complete();
        }
        return false;
    }

    private bool SplitValues(ClientSession session, ProxyRequest request, CommandInfo command, CommandRoute route) =>
        Split(session, request, command, keyStep: 1, MergeKind.Values);

    private bool SplitPairs(ClientSession session, ProxyRequest request, CommandInfo command, CommandRoute route)
    {
        if (request.Frame.ArgCount % 2 == 0)
        {
            request.Reject($"ERR wrong number of arguments for '{command.Name.ToLowerInvariant()}' command");
            return false;
        }
        return Split(session, request, command, keyStep: 2, MergeKind.AllOk);
    }

    private bool SplitSum(ClientSession session, ProxyRequest request, CommandInfo command, CommandRoute route) =>
        Split(session, request, command, keyStep: 1, MergeKind.Sum);

    private bool FanOutSum(ClientSession session, ProxyRequest request, CommandInfo command, CommandRoute route) =>
        FanOutToNodes(request, MergeKind.Sum, allNodes: false);

    private bool FanOutAllOk(ClientSession session, ProxyRequest request, CommandInfo command, CommandRoute route) =>
        FanOutToNodes(request, MergeKind.AllOk, allNodes: false);

    private bool FanOutByRoute(ClientSession session, ProxyRequest request, CommandInfo command, CommandRoute route)
    {
        if (command.Name == "script|load")
        {
            _router.Scripts.Remember(request.Frame.Arg(2));
        }
        else if (command.Name == "config|resetstat")
        {
            _local.ResetStats();
        }
        if (route.Merge is MergeKind.AnyKilled or MergeKind.FunctionStats)
        {
            if (FanOut.AddChildren(request, _router.Shards, route.Merge, allNodes: false))
            {
                _metrics.FanOut();
                BusyNodeForward.SendAll(request, _router, _blocking.Connections);
            }
            return false;
        }
        return FanOutToNodes(request, route.Merge, route.AllNodes);
    }

    private bool Scan(ClientSession session, ProxyRequest request, CommandInfo command, CommandRoute route)
    {
        ClusterScan.Execute(_router, request);
        return false;
    }

    private bool Info(ClientSession session, ProxyRequest request, CommandInfo command, CommandRoute route)
    {
        _local.Info(session, request);
        if (request.Children.Count > 0)
        {
            _router.DispatchChildren(request);
        }
        else
        {
            request.Complete();
        }
        return false;
    }

    /// <summary>EXEC and WATCH wait for a dedicated connection; MULTI, DISCARD and UNWATCH change the session's state now.</summary>
    private static bool Transaction(ClientSession session, ProxyRequest request, CommandInfo command, CommandRoute route)
    {
        if (command.Name is "exec" or "watch")
        {
            return true;
        }
        session.Transaction.Dispatch(request, command);
        return false;
    }

    private static bool Blocking(ClientSession session, ProxyRequest request, CommandInfo command, CommandRoute route) => true;

    private static bool PubSub(ClientSession session, ProxyRequest request, CommandInfo command, CommandRoute route)
    {
        session.Subscriptions.Execute(request, command.Name);
        return false;
    }

    private bool Wait(ClientSession session, ProxyRequest request, CommandInfo command, CommandRoute route)
    {
        _wait.Execute(session, request);
        return false;
    }

    /// <summary>
    /// CLIENT UNBLOCK id [TIMEOUT|ERROR]: ids are Slotgate's; the blocked command waits on a dedicated connection whose
    /// node-side id Slotgate learned at connect, so the unblock is relayed there and its reply (1 or 0) returned.
    /// </summary>
    private bool ClientUnblock(ClientSession session, ProxyRequest request, CommandInfo command, CommandRoute route)
    {
        RequestFrame frame = request.Frame;
        if (!System.Buffers.Text.Utf8Parser.TryParse(frame.Arg(2), out long id, out int used) || used != frame.Arg(2).Length)
        {
            request.Reject("ERR value is not an integer or out of range");
            return false;
        }
        string mode = frame.ArgCount > 3 ? Encoding.ASCII.GetString(frame.Arg(3)).ToUpperInvariant() : "TIMEOUT";
        if (mode is not ("TIMEOUT" or "ERROR") || frame.ArgCount > 4)
        {
            request.Reject("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            return false;
        }
        if (_clients.Find(id)?.BlockedOn is not { NodeClientId: > 0 } connection)
        {
            RespWriter.WriteInteger(request.ReplyWriter, 0);
            request.Complete();
            return false;
        }
        var relay = new RelayRequest(request, "CLIENT", "UNBLOCK", connection.NodeClientId.ToString(System.Globalization.CultureInfo.InvariantCulture), mode);
        _router.Pool.GetNode(connection.Endpoint).Send(relay, request.Affinity);
        return false;
    }

    /// <summary>CLUSTER COUNTKEYSINSLOT/GETKEYSINSLOT: to the primary of the slot given as argument 2.</summary>
    private bool BySlotArgument(ClientSession session, ProxyRequest request, CommandInfo command, CommandRoute route)
    {
        int slot = ClusterEmulation.ParseSlot(request.Frame.Arg(2));
        if (slot < 0)
        {
            request.Reject("ERR Invalid slot");
            return false;
        }
        request.Slot = slot;
        _router.Dispatch(request);
        return false;
    }

    private bool Tracking(ClientSession session, ProxyRequest request, CommandInfo command, CommandRoute route)
    {
        TrackingCommands.Execute(session, request, _tracking);
        return false;
    }

    private bool Debug(ClientSession session, ProxyRequest request, CommandInfo command, CommandRoute route)
    {
        if (DebugCommand.Execute(request, route, _router))
        {
            _metrics.FanOut();
        }
        return false;
    }

    private static bool NotSupported(ClientSession session, ProxyRequest request, CommandInfo command, CommandRoute route)
    {
        request.Reject(route.Error!);
        return false;
    }

    private void ExecuteBlocking(ClientSession session, ProxyRequest request, CommandInfo command)
    {
        int slot = KeySlots.Of(request.Frame, command, out _);
        if (slot == HashSlot.Multiple)
        {
            request.Reject("CROSSSLOT Keys in request don't hash to the same slot");
            return;
        }
        request.Slot = slot;
        _blocking.Execute(session, request);
    }

    private void ForwardNow(ClientSession session, ProxyRequest request, CommandInfo command)
    {
        if (command.Name is "eval" or "eval_ro")
        {
            // Remember the body, so an EVALSHA of it can be repaired on a node that lacks it.
            _router.Scripts.Remember(request.Frame.Arg(1));
        }
        if (command.Name == "publish")
        {
            Publish(request);
            return;
        }
        int slot = KeySlots.Of(request.Frame, command, out bool hasKeys);
        if (command.Name == "spublish")
        {
            // A shard channel is not a key, but it lives in its slot's shard (Redis Cluster sharded pub/sub).
            slot = HashSlot.Of(request.Frame.Arg(1));
            hasKeys = true;
        }
        if (slot != HashSlot.Multiple && IsBlockingVariant(command, request.Frame))
        {
            // XREAD/XREADGROUP with BLOCK: may wait, so it gets a connection of its own.
            request.Slot = slot;
            _blocking.Execute(session, request);
            return;
        }
        if (slot == HashSlot.Multiple)
        {
            request.Reject("CROSSSLOT Keys in request don't hash to the same slot");
            return;
        }
        if (!hasKeys && command.KeySpecs.IsEmpty && command.FirstKey == 0 && !CommandRoutes.AnyPrimary.Contains(command.Name.ToUpperInvariant()))
        {
            request.Reject(CommandRoutes.KeylessError(command.Name.ToUpperInvariant().Replace('|', ' ')));
            return;
        }
        request.Slot = slot;
        TouchIfWrite(session, command, slot);
        request.ReadOnly = (command.Flags & CommandFlags.ReadOnly) != 0;
        _router.Dispatch(request);
    }

    /// <summary>
    /// PUBLISH: to one primary per client (by affinity, so one client's messages keep their order, as Router.Dispatch
    /// does for keyless commands), answered with at least the receivers subscribed through this Slotgate.
    /// </summary>
    private void Publish(ProxyRequest request)
    {
        IReadOnlyList<Shard> shards = _router.Topology.Current.Shards;
        if (shards.Count == 0)
        {
            request.Reject("CLUSTERDOWN No primary is known yet");
            return;
        }
        string endpoint = shards[(int)((uint)request.Affinity % (uint)shards.Count)].Primary.Endpoint;
        PublishRelay relay = _pubSub.Relays.Rent();
        relay.Start(request, _pubSub.Receivers(request.Frame.Arg(1)));
        _router.Pool.GetNode(endpoint, request.Resp3).Send(relay, request.Affinity);
    }

    /// <summary>A multi-key command split by slot (<see cref="KeySplitter"/>); the session notes the slots it writes to.</summary>
    private bool Split(ClientSession session, ProxyRequest request, CommandInfo command, int keyStep, MergeKind merge)
    {
        int parts = KeySplitter.Split(request, keyStep, merge);
        if (parts == 0)
        {
            TouchIfWrite(session, command, request.Slot);
            _router.Dispatch(request);
            return false;
        }
        for (int i = request.Children.Count - parts; i < request.Children.Count; i++)
        {
            TouchIfWrite(session, command, request.Children[i].Slot);
        }
        _metrics.Split(parts);
        _router.DispatchChildren(request);
        return false;
    }

    private bool FanOutToNodes(ProxyRequest request, MergeKind merge, bool allNodes)
    {
        if (FanOut.AddChildren(request, _router.Shards, merge, allNodes))
        {
            _metrics.FanOut();
            _router.DispatchChildren(request);
        }
        return false;
    }

    /// <summary>WAIT later asks the primaries of the slots a client wrote to.</summary>
    private void TouchIfWrite(ClientSession session, CommandInfo command, int slot)
    {
        if (slot >= 0 && (command.Flags & CommandFlags.Write) != 0)
        {
            session.Touch(slot, _router.Topology.Current.GetShard(slot));
        }
    }

    /// <summary>XREAD/XREADGROUP block only with a BLOCK option; they cannot share a pipelined connection then.</summary>
    private static bool IsBlockingVariant(CommandInfo command, RequestFrame frame)
    {
        if ((command.Flags & CommandFlags.MayBlock) == 0)
        {
            return false;
        }
        for (int i = 1; i < frame.ArgCount; i++)
        {
            ReadOnlySpan<byte> arg = frame.Arg(i);
            if (arg.Length == 7 && Ascii.EqualsIgnoreCase(arg, "STREAMS"u8))
            {
                return false;
            }
            if (arg.Length == 5 && Ascii.EqualsIgnoreCase(arg, "BLOCK"u8))
            {
                return true;
            }
        }
        return false;
    }
}
