using System.Text;
using Microsoft.Extensions.Logging;
using Slotgate.Cluster;
using Slotgate.Commands;
using Slotgate.Protocol;
using Slotgate.Routing;

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
    private readonly ILogger _logger;
    private readonly Dictionary<CommandInfo, CommandRoute> _routes = new(ReferenceEqualityComparer.Instance);

    public CommandDispatcher(CommandTable commands, Router router, LocalCommands local, RespLimits limits, int maxPendingCommands, ILogger<CommandDispatcher> logger)
    {
        _commands = commands;
        _router = router;
        _local = local;
        _logger = logger;
        Limits = limits;
        MaxPendingCommands = maxPendingCommands;
        foreach (CommandInfo command in commands.Commands)
        {
            _routes[command] = ResolveRoute(command);
            foreach (CommandInfo subcommand in command.Subcommands)
            {
                _routes[subcommand] = ResolveRoute(subcommand);
            }
        }
    }

    public RespLimits Limits { get; }

    public int MaxPendingCommands { get; }

    public CommandTable Commands => _commands;

    public Router Router => _router;

    public void Execute(ClientSession session, ProxyRequest request)
    {
        RequestFrame frame = request.Frame;
        CommandInfo? command = _commands.Find(frame);
        if (command is null || (command.HasSubcommands && frame.ArgCount >= 2))
        {
            // A container (CLIENT, CONFIG...) comes back itself when its subcommand is unknown.
            Fail(request, UnknownCommandError(frame));
            return;
        }
        if (!command.HasValidArity(frame.ArgCount))
        {
            Fail(request, $"ERR wrong number of arguments for '{command.Name.ToLowerInvariant()}' command");
            return;
        }
        if (!_routes.TryGetValue(command, out CommandRoute? route))
        {
            route = ResolveRoute(command);
        }
        switch (route.Kind)
        {
            case RouteKind.Local:
                _local.Execute(session, request, command);
                request.Complete();
                break;
            case RouteKind.NotSupported:
                Fail(request, route.Error!);
                break;
            case RouteKind.Forward:
                Forward(request, command);
                break;
            case RouteKind.SplitValues:
                Split(request, command, keyStep: 1, MergeKind.Values);
                break;
            case RouteKind.SplitPairs when frame.ArgCount % 2 == 0:
                Fail(request, $"ERR wrong number of arguments for '{command.Name.ToLowerInvariant()}' command");
                break;
            case RouteKind.SplitPairs:
                Split(request, command, keyStep: 2, MergeKind.AllOk);
                break;
            case RouteKind.SplitSum:
                Split(request, command, keyStep: 1, MergeKind.Sum);
                break;
            case RouteKind.FanOutSum:
                FanOut(request, MergeKind.Sum);
                break;
            case RouteKind.FanOutAllOk:
                FanOut(request, MergeKind.AllOk);
                break;
            case RouteKind.FanOut:
                FanOut(request, route.Merge);
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
    }

    private void Forward(ProxyRequest request, CommandInfo command)
    {
        if (IsBlockingVariant(command, request.Frame))
        {
            Fail(request, $"ERR Slotgate: {command.Name.ToUpperInvariant()} with BLOCK (blocking commands) is not supported by Slotgate yet");
            return;
        }
        int slot = SlotOfKeys(request.Frame, command, out bool hasKeys);
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
        _router.Dispatch(request);
    }

    /// <summary>
    /// Splits a multi-key command by hash slot: one sub-command per slot carrying all of that slot's keys (Redis
    /// rejects keys of different slots in one command, even on the same node, so a slot is the largest unit).
    /// A command whose keys already share a slot is forwarded unchanged.
    /// </summary>
    private void Split(ProxyRequest request, CommandInfo command, int keyStep, MergeKind merge)
    {
        RequestFrame frame = request.Frame;
        int slot = HashSlot.None;
        for (int i = 1; i < frame.ArgCount; i += keyStep)
        {
            slot = HashSlot.Combine(slot, HashSlot.Of(frame.Arg(i)));
        }
        if (slot != HashSlot.Multiple)
        {
            request.Slot = slot;
            _router.Dispatch(request);
            return;
        }
        request.Merge = merge;
        Span<int> slots = frame.ArgCount <= 512 ? stackalloc int[frame.ArgCount] : new int[frame.ArgCount];
        for (int i = 1; i < frame.ArgCount; i += keyStep)
        {
            slots[i] = HashSlot.Of(frame.Arg(i));
        }
        ReadOnlySpan<byte> name = frame.Arg(0);
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
        }
        _ = command;
        _router.DispatchChildren(request);
    }

    private void FanOut(ProxyRequest request, MergeKind merge)
    {
        IReadOnlyList<Shard> shards = _router.Shards;
        if (shards.Count == 0)
        {
            Fail(request, "CLUSTERDOWN No primary is known yet");
            return;
        }
        request.Merge = merge;
        foreach (Shard shard in shards)
        {
            ProxyRequest child = request.Pool.Rent();
            child.Frame.CopyFrom(request.Frame);
            child.Target = shard.Primary.Endpoint;
            request.AddChild(child);
        }
        _router.DispatchChildren(request);
    }

    private int SlotOfKeys(RequestFrame frame, CommandInfo command, out bool hasKeys)
    {
        Span<int> keys = stackalloc int[64];
        int count = command.FindKeys(frame, keys);
        if (count > keys.Length)
        {
            keys = new int[count];
            count = command.FindKeys(frame, keys);
        }
        // Arguments that contradict the key specs (e.g. EVAL with numkeys larger than the argument count) are sent to
        // any primary, so the client gets Redis's own error for them.
        count = Math.Max(count, 0);
        hasKeys = count > 0;
        int slot = HashSlot.None;
        for (int i = 0; i < count && slot != HashSlot.Multiple; i++)
        {
            slot = HashSlot.Combine(slot, HashSlot.Of(frame.Arg(keys[i])));
        }
        return slot;
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

    private static void Fail(ProxyRequest request, string error)
    {
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
