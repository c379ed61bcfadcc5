using System.Text;
using Slotgate.Cluster;
using Slotgate.Commands;
using Slotgate.Faults;
using Slotgate.Protocol;
using Slotgate.Routing;
using Slotgate.Security;

namespace Slotgate.Proxy;

/// <summary>
/// Decides what happens to each parsed command: Redis's own errors for unknown commands and wrong arity, local
/// answers, a single-slot forward (the client's bytes sent as they are), a split by slot, a fan-out to every primary,
/// or Redis Cluster's <c>-CROSSSLOT</c>. Shared by all sessions; holds no per-client state.
/// </summary>
internal sealed class CommandDispatcher
{
    private readonly CommandTable _commands;
    private readonly Router _router;
    private readonly LocalCommands _local;
    private readonly BlockingCommands _blocking;
    private readonly PubSubService _pubSub;
    private readonly WaitCommand _wait;
    private long _replyBytesWaiting;
    private readonly FaultInjector? _faults;
    private readonly PrefixRouting? _prefixRouting;
    private readonly CommandRoute?[] _routeById;

    public CommandDispatcher(CommandTable commands, Router router, LocalCommands local, BlockingCommands blocking, PubSubService pubSub, RespLimits limits, int maxPendingCommands, IReadOnlyList<string>? disabledCommands = null, Diagnostics.SlotgateMetrics? metrics = null, Diagnostics.AccessLog? accessLog = null, UserDirectory? users = null, FaultInjector? faults = null, PrefixRouting? prefixRouting = null)
    {
        Users = users ?? UserDirectory.None;
        Metrics = metrics ?? Diagnostics.SlotgateMetrics.Unobserved;
        AccessLog = accessLog;
        Metrics.Commands.Register(commands);
        _faults = faults;
        _prefixRouting = prefixRouting;
        _pubSub = pubSub;
        _wait = new WaitCommand(router.Pool, router.Topology);
        _blocking = blocking;
        _commands = commands;
        _router = router;
        _local = local;
        Limits = limits;
        MaxPendingCommands = maxPendingCommands;
        // Every command of the table already has its id, so the array has a place for each.
        _routeById = new CommandRoute?[CommandInfo.IdCount];
        foreach (CommandInfo command in commands.Commands)
        {
            _routeById[command.Id] = ResolveRoute(command);
            foreach (CommandInfo subcommand in command.Subcommands)
            {
                _routeById[subcommand.Id] = ResolveRoute(subcommand);
            }
        }
        foreach (string name in disabledCommands ?? [])
        {
            if (commands.Find(name.Trim().Replace(' ', '|')) is { } disabled)
            {
                // Disabling a container (CONFIG) disables each of its subcommands (CONFIG GET, CONFIG SET...) too.
                foreach (CommandInfo each in (ReadOnlySpan<CommandInfo>)[disabled, .. disabled.Subcommands])
                {
                    string display = each.Name.ToUpperInvariant().Replace('|', ' ');
                    _routeById[each.Id] = new CommandRoute(RouteKind.NotSupported, $"ERR Slotgate: '{display}' is disabled by configuration (routing.disabledCommands)");
                }
            }
        }
    }

    /// <summary>How <paramref name="command"/> is handled: an array read for the table's commands, resolved by name for any other.</summary>
    private CommandRoute RouteFor(CommandInfo command) =>
        (uint)command.Id < (uint)_routeById.Length && _routeById[command.Id] is { } route ? route : ResolveRoute(command);

    public RespLimits Limits { get; }

    /// <summary>The users clients authenticate as; <see cref="UserDirectory.None"/> when authentication is off.</summary>
    public UserDirectory Users { get; }

    /// <summary>Counters and slow log this dispatcher's sessions record into.</summary>
    public Diagnostics.SlotgateMetrics Metrics { get; }

    /// <summary>The optional access log (logging.accessLog); null when off.</summary>
    public Diagnostics.AccessLog? AccessLog { get; }

    public int MaxPendingCommands { get; }

    /// <summary>Bytes of published messages a subscriber may leave unread before it is closed (limits.pubsubOutputBufferLimit; 0: no limit).</summary>
    public long PubSubOutputBufferLimit { get; init; }

    /// <summary>Bytes of one client's commands awaiting replies before it must wait for earlier ones (limits.maxPendingBytesPerClient).</summary>
    public long MaxPendingBytesPerClient { get; init; } = long.MaxValue;

    /// <summary>Bytes of all clients' commands and unwritten replies before each client must wait for its earlier ones (limits.maxPendingBytes).</summary>
    public long MaxPendingBytes { get; init; } = long.MaxValue;

    /// <summary>Sessions wake their reply writers inline (event loops) rather than through the thread pool.</summary>
    public bool InlineReplies { get; init; }

    /// <summary>Bytes of final replies not yet written to their clients, over all sessions.</summary>
    public long ReplyBytesWaiting => Volatile.Read(ref _replyBytesWaiting);

    public void AddReplyBytesWaiting(long bytes) => Interlocked.Add(ref _replyBytesWaiting, bytes);

    public CommandTable Commands => _commands;

    /// <summary>Every connected client, by id.</summary>
    public ClientRegistry Clients { get; } = new();

    public Router Router => _router;

    /// <summary>A fresh transaction state for a session that uses WATCH or MULTI.</summary>
    public Transaction CreateTransaction() => new(_blocking.Connections, _router);

    /// <summary>A fresh pub/sub state for a session that subscribes.</summary>
    public Subscriptions CreateSubscriptions(ClientSession session) => new(session, _pubSub);

    /// <summary>
    /// Handles one command. Returns true for a command that must run on a dedicated connection (EXEC, WATCH, blocking
    /// commands): the session then waits until its earlier commands completed and calls <see cref="ExecutePinned"/>.
    /// </summary>
    public bool Execute(ClientSession session, ProxyRequest request)
    {
        RequestFrame frame = request.Frame;
        CommandInfo? command = _commands.Find(frame);
        request.Stat = Metrics.Commands.For(command);
        session.Info.LastCommand = request.Stat.Name;
        if (command is null || (command.HasSubcommands && frame.ArgCount >= 2))
        {
            // A container (CLIENT, CONFIG...) comes back itself when its subcommand is unknown.
            Fail(session, request, UnknownCommandError(frame));
            return false;
        }
        if (!command.HasValidArity(frame.ArgCount))
        {
            string arity = $"wrong number of arguments for '{command.Name.ToLowerInvariant()}' command";
            if (command.Name == "exec")
            {
                session.Transaction.AbortExec(request, arity);
            }
            else
            {
                Fail(session, request, "ERR " + arity);
            }
            return false;
        }
        if (!session.Authenticated)
        {
            // Redis's order: unknown command and arity errors first, then NOAUTH for all but AUTH, HELLO, QUIT, RESET.
            if ((command.Flags & CommandFlags.NoAuth) == 0 && !(Users.AllowPing && command.Name == "ping"))
            {
                Fail(session, request, "NOAUTH Authentication required.");
                return false;
            }
        }
        else if (session.User is { Unrestricted: false } user && user.Check(command, frame) is { } denied)
        {
            // Checked before queueing, so a denied command inside MULTI dooms the EXEC, as in Redis.
            Fail(session, request, denied);
            return false;
        }
        CommandRoute route = RouteFor(command);
        if (session.Subscribed && route.Kind != RouteKind.PubSub && !AllowedWhileSubscribed(request, command))
        {
            return false;
        }
        // Not inside MULTI, nor for pub/sub and transaction commands, whose state the client tracks.
        if (_faults is not null && !session.InMulti && route.Kind is not (RouteKind.PubSub or RouteKind.Transaction) && _faults.TryInject(request, command.Name))
        {
            return false;
        }
        if (_prefixRouting is not null && _prefixRouting.Handle(session, request, command, route.Kind))
        {
            return false;
        }
        if (session.InMulti && route.Kind != RouteKind.Transaction)
        {
            session.Transaction.QueueOrRefuse(request, command);
            return false;
        }
        switch (route.Kind)
        {
            case RouteKind.Transaction when command.Name is "exec" or "watch":
            case RouteKind.Blocking:
            case RouteKind.Forward when IsBlockingVariant(command, frame):
                return true;
            case RouteKind.Transaction:
                session.Transaction.Dispatch(request, command);
                break;
            case RouteKind.PubSub:
                session.Subscriptions.Execute(request, command.Name);
                break;
            case RouteKind.Wait:
                _wait.Execute(session, request);
                break;
            case RouteKind.ClientUnblock:
                ClientUnblock(request);
                break;
            case RouteKind.BySlotArgument:
                int slot = ClusterEmulation.ParseSlot(frame.Arg(2));
                if (slot < 0)
                {
                    Fail(request, "ERR Invalid slot");
                    break;
                }
                request.Slot = slot;
                _router.Dispatch(request);
                break;
            case RouteKind.Local:
                _local.Execute(session, request, command);
                request.Complete();
                break;
            case RouteKind.NotSupported:
                Fail(request, route.Error!);
                break;
            case RouteKind.Forward:
                Forward(session, request, command);
                break;
            case RouteKind.SplitValues:
                Split(session, request, command, keyStep: 1, MergeKind.Values);
                break;
            case RouteKind.SplitPairs when frame.ArgCount % 2 == 0:
                Fail(request, $"ERR wrong number of arguments for '{command.Name.ToLowerInvariant()}' command");
                break;
            case RouteKind.SplitPairs:
                Split(session, request, command, keyStep: 2, MergeKind.AllOk);
                break;
            case RouteKind.SplitSum:
                Split(session, request, command, keyStep: 1, MergeKind.Sum);
                break;
            case RouteKind.FanOutSum:
                FanOut(request, MergeKind.Sum);
                break;
            case RouteKind.FanOutAllOk:
                FanOut(request, MergeKind.AllOk);
                break;
            case RouteKind.FanOut:
                if (command.Name == "script|load")
                {
                    _router.Scripts.Remember(frame.Arg(2));
                }
                FanOut(request, route.Merge, route.AllNodes);
                break;
            case RouteKind.Scan:
                ClusterScan.Execute(_router, request);
                break;
            case RouteKind.Info:
                _local.Info(session, request);
                if (request.Children.Count > 0)
                {
                    _router.DispatchChildren(request);
                }
                else
                {
                    request.Complete();
                }
                break;
        }
        return false;
    }

    /// <summary>Runs a command <see cref="Execute"/> deferred, once the client's earlier commands have completed.</summary>
    public void ExecutePinned(ClientSession session, ProxyRequest request)
    {
        CommandInfo command = _commands.Find(request.Frame)!;
        switch (RouteFor(command).Kind)
        {
            case RouteKind.Transaction:
                session.Transaction.Dispatch(request, command);
                break;
            case RouteKind.Blocking:
                ExecuteBlocking(session, request, command);
                break;
            default:
                Forward(session, request, command);
                break;
        }
    }

    /// <summary>
    /// Redis's subscribed mode (RESP2): only (un)subscribe commands, PING, QUIT and RESET. PING answers as a pub/sub
    /// frame. Returns false when the command has been answered here.
    /// </summary>
    private static bool AllowedWhileSubscribed(ProxyRequest request, CommandInfo command)
    {
        switch (command.Name)
        {
            case "quit":
            case "reset":
                return true;
            case "ping":
                RespWriter.WriteArrayHeader(request.ReplyWriter, 2);
                RespWriter.WriteBulkString(request.ReplyWriter, "pong"u8);
                RespWriter.WriteBulkString(request.ReplyWriter, request.Frame.ArgCount > 1 ? request.Frame.Arg(1) : default);
                request.Complete();
                return false;
            default:
                Fail(request, $"ERR Can't execute '{command.Name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
                return false;
        }
    }

    /// <summary>
    /// CLIENT UNBLOCK id [TIMEOUT|ERROR]: ids are Slotgate's; the blocked command waits on a dedicated connection whose
    /// node-side id Slotgate learned at connect, so the unblock is relayed there and its reply (1 or 0) returned.
    /// </summary>
    private void ClientUnblock(ProxyRequest request)
    {
        RequestFrame frame = request.Frame;
        if (!System.Buffers.Text.Utf8Parser.TryParse(frame.Arg(2), out long id, out int used) || used != frame.Arg(2).Length)
        {
            Fail(request, "ERR value is not an integer or out of range");
            return;
        }
        string mode = frame.ArgCount > 3 ? Encoding.ASCII.GetString(frame.Arg(3)).ToUpperInvariant() : "TIMEOUT";
        if (mode is not ("TIMEOUT" or "ERROR") || frame.ArgCount > 4)
        {
            Fail(request, "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            return;
        }
        if (Clients.Find(id)?.BlockedOn is not { NodeClientId: > 0 } connection)
        {
            RespWriter.WriteInteger(request.ReplyWriter, 0);
            request.Complete();
            return;
        }
        var relay = new RelayRequest(request, "CLIENT", "UNBLOCK", connection.NodeClientId.ToString(System.Globalization.CultureInfo.InvariantCulture), mode);
        _router.Pool.GetNode(connection.Endpoint).Send(relay, request.Affinity);
    }

    private void ExecuteBlocking(ClientSession session, ProxyRequest request, CommandInfo command)
    {
        int slot = KeySlots.Of(request.Frame, command, out _);
        if (slot == HashSlot.Multiple)
        {
            Fail(request, "CROSSSLOT Keys in request don't hash to the same slot");
            return;
        }
        request.Slot = slot;
        _blocking.Execute(session, request);
    }

    private void Forward(ClientSession session, ProxyRequest request, CommandInfo command)
    {
        if (command.Name is "eval" or "eval_ro")
        {
            // Remember the body, so an EVALSHA of it can be repaired on a node that lacks it.
            _router.Scripts.Remember(request.Frame.Arg(1));
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
            Fail(request, "CROSSSLOT Keys in request don't hash to the same slot");
            return;
        }
        if (!hasKeys && command.KeySpecs.IsEmpty && command.FirstKey == 0 && !CommandRoutes.AnyPrimary.Contains(command.Name.ToUpperInvariant()))
        {
            Fail(request, CommandRoutes.KeylessError(command.Name.ToUpperInvariant().Replace('|', ' ')));
            return;
        }
        request.Slot = slot;
        if (slot >= 0 && (command.Flags & CommandFlags.Write) != 0)
        {
            session.Touch(slot, _router.Topology.Current.GetShard(slot));
        }
        request.ReadOnly = (command.Flags & CommandFlags.ReadOnly) != 0;
        _router.Dispatch(request);
    }

    /// <summary>
    /// Splits a multi-key command by hash slot: one sub-command per slot carrying all of that slot's keys (Redis
    /// rejects keys of different slots in one command, even on the same node, so a slot is the largest unit).
    /// A command whose keys already share a slot is forwarded unchanged.
    /// </summary>
    private void Split(ClientSession session, ProxyRequest request, CommandInfo command, int keyStep, MergeKind merge)
    {
        RequestFrame frame = request.Frame;
        Span<int> slots = frame.ArgCount <= 512 ? stackalloc int[frame.ArgCount] : new int[frame.ArgCount];
        int slot = HashSlot.None;
        for (int i = 1; i < frame.ArgCount; i += keyStep)
        {
            slots[i] = HashSlot.Of(frame.Arg(i));
            slot = HashSlot.Combine(slot, slots[i]);
        }
        bool write = (command.Flags & CommandFlags.Write) != 0;
        if (slot != HashSlot.Multiple)
        {
            request.Slot = slot;
            if (write)
            {
                session.Touch(slot, _router.Topology.Current.GetShard(slot));
            }
            _router.Dispatch(request);
            return;
        }
        request.Merge = merge;
        ReadOnlySpan<byte> name = frame.Arg(0);
        int partsBefore = request.Children.Count;
        // Group keys by slot, keeping each slot's keys in the client's order. Slots are visited in order of first
        // appearance; the quadratic scan is over distinct slots only, which is small for real commands.
        for (int i = 1; i < frame.ArgCount; i += keyStep)
        {
            if (slots[i] < 0)
            {
                continue;
            }
            int groupSlot = slots[i];
            int groupArgs = 1;
            for (int j = i; j < frame.ArgCount; j += keyStep)
            {
                if (slots[j] == groupSlot)
                {
                    groupArgs += keyStep;
                }
            }
            ProxyRequest child = request.Pool.Rent();
            child.Frame.Begin(groupArgs);
            child.Frame.AppendArg(name);
            child.Slot = groupSlot;
            for (int j = i; j < frame.ArgCount; j += keyStep)
            {
                if (slots[j] != groupSlot)
                {
                    continue;
                }
                for (int k = 0; k < keyStep; k++)
                {
                    child.Frame.AppendArg(frame.Arg(j + k));
                }
                child.AddKeyPosition((j - 1) / keyStep);
                slots[j] = -1;
            }
            request.AddChild(child);
            if (write)
            {
                session.Touch(groupSlot, _router.Topology.Current.GetShard(groupSlot));
            }
        }
        Metrics.Split(request.Children.Count - partsBefore);
        _router.DispatchChildren(request);
    }

    private void FanOut(ProxyRequest request, MergeKind merge, bool allNodes = false)
    {
        IReadOnlyList<Shard> shards = _router.Shards;
        if (shards.Count == 0)
        {
            Fail(request, "CLUSTERDOWN No primary is known yet");
            return;
        }
        request.Merge = merge;
        Metrics.FanOut();
        foreach (Shard shard in shards)
        {
            AddFanOutChild(request, shard.Primary.Endpoint);
            if (allNodes)
            {
                foreach (ClusterNode replica in shard.Replicas)
                {
                    if (replica.Healthy)
                    {
                        AddFanOutChild(request, replica.Endpoint);
                    }
                }
            }
        }
        _router.DispatchChildren(request);
    }

    private static void AddFanOutChild(ProxyRequest request, string endpoint)
    {
        ProxyRequest child = request.Pool.Rent();
        child.Frame.CopyFrom(request.Frame);
        child.Target = endpoint;
        request.AddChild(child);
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

    private CommandRoute ResolveRoute(CommandInfo command) =>
        CommandRoutes.Find(command.Name.ToUpperInvariant()) ?? CommandRoute.Forward;

    /// <summary>Answers an error; inside MULTI the error also dooms the EXEC, as in Redis.</summary>
    private static void Fail(ClientSession session, ProxyRequest request, string error)
    {
        if (session.InMulti)
        {
            request.Rejected = true;
            session.Transaction.Fail(request, error);
            return;
        }
        Fail(request, error);
    }

    private static void Fail(ProxyRequest request, string error)
    {
        request.Rejected = true;
        request.SetError(error);
        request.Complete();
    }

    /// <summary>Redis 7's wording: <c>ERR unknown command 'x', with args beginning with: 'a' 'b' </c>.</summary>
    private string UnknownCommandError(RequestFrame frame)
    {
        if (frame.ArgCount >= 2 && _commands.Find(frame.Arg(0)) is { HasSubcommands: true })
        {
            return $"ERR unknown subcommand '{Truncate(frame.Arg(1))}'. Try {Encoding.UTF8.GetString(frame.Arg(0)).ToUpperInvariant()} HELP.";
        }
        var text = new StringBuilder("ERR unknown command '").Append(Truncate(frame.Arg(0))).Append("', with args beginning with: ");
        for (int i = 1; i < frame.ArgCount && text.Length < 256; i++)
        {
            text.Append('\'').Append(Truncate(frame.Arg(i))).Append("' ");
        }
        return text.ToString();
    }

    private static string Truncate(ReadOnlySpan<byte> value) =>
        Encoding.UTF8.GetString(value.Length > 128 ? value[..128] : value);
}
