using System.Diagnostics.CodeAnalysis;
using System.Text;
using Slotgate.Commands;
using Slotgate.Faults;
using Slotgate.Protocol;
using Slotgate.Routing;
using Slotgate.Security;

namespace Slotgate.Proxy;

/// <summary>
/// The checks a command passes before it is routed, one small step each, always in this order:
/// <list type="number">
/// <item>known: Redis's unknown command or subcommand error;</item>
/// <item>arity: Redis's wrong number of arguments error (inside MULTI, EXEC aborts the transaction);</item>
/// <item>authenticated: NOAUTH for all but AUTH, HELLO, QUIT, RESET (and PING when configured);</item>
/// <item>permitted: the user's ACL, checked before MULTI queueing so a denied command dooms the EXEC, as in Redis;</item>
/// <item>subscribed mode: RESP2 subscribers may only (un)subscribe, PING, QUIT and RESET;</item>
/// <item>monitor mode: a monitor may not touch the keyspace (nor MONITOR again, which Redis leaves unanswered); a
/// command that passed this far is shown to the monitors (<see cref="MonitorFeed"/>), as Redis shows each command it
/// runs;</item>
/// <item>faults: an injected error or delay, never inside MULTI nor for pub/sub and transaction commands;</item>
/// <item>prefix routes: keys that routes send to another upstream or rewrite;</item>
/// <item>MULTI: every command but the transaction commands is queued for EXEC.</item>
/// </list>
/// The first three follow Redis's own order of errors. A step either lets the command through or answers it itself.
/// </summary>
internal sealed class CommandAdmission(DispatcherServices services, CommandRouteTable routes, MonitorFeed monitors)
{
    private readonly CommandTable _commands = services.Commands;
    private readonly UserDirectory _users = services.Users;
    private readonly Diagnostics.SlotgateMetrics _metrics = services.Metrics;
    private readonly FaultInjector? _faults = services.Faults;
    private readonly PrefixRouting? _prefixRouting = services.PrefixRouting;

    /// <summary>
    /// Runs every step; true when the command may be routed, with its table entry and route. False when a step has
    /// answered it (an error, a queued command, an injected fault, a prefix route).
    /// </summary>
    public bool Admit(ClientSession session, ProxyRequest request, [NotNullWhen(true)] out CommandInfo? command, [NotNullWhen(true)] out CommandRoute? route)
    {
        command = _commands.Find(request.Frame);
        request.Stat = _metrics.Commands.For(command);
        session.Info.LastCommand = request.Stat.Name;
        route = null;
        if (!IsKnown(session, request, command) || !HasValidArity(session, request, command) ||
            !IsAuthenticated(session, request, command) || !IsPermitted(session, request, command))
        {
            return false;
        }
        route = routes.For(command);
        if (!AllowedWhileSubscribed(session, request, command, route) || (session.Monitoring && !AllowedWhileMonitoring(session, request, command)))
        {
            return false;
        }
        if (monitors.Active)
        {
            monitors.Feed(session, request.Frame, command);
        }
        session.Tracking?.Observe(request.Frame, command);
        return !InjectsFault(session, request, command, route) &&
            !RoutedByPrefix(session, request, command, route) &&
            !QueuedInMulti(session, request, command, route);
    }

    private bool IsKnown(ClientSession session, ProxyRequest request, [NotNullWhen(true)] CommandInfo? command)
    {
        // A container (CLIENT, CONFIG...) comes back itself when its subcommand is unknown.
        if (command is null || (command.HasSubcommands && request.Frame.ArgCount >= 2))
        {
            Fail(session, request, UnknownCommandError(request.Frame));
            return false;
        }
        return true;
    }

    private static bool HasValidArity(ClientSession session, ProxyRequest request, CommandInfo command)
    {
        if (command.HasValidArity(request.Frame.ArgCount))
        {
            return true;
        }
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

    private bool IsAuthenticated(ClientSession session, ProxyRequest request, CommandInfo command)
    {
        if (session.Authenticated || (command.Flags & CommandFlags.NoAuth) != 0 || (_users.AllowPing && command.Name == "ping"))
        {
            return true;
        }
        Fail(session, request, "NOAUTH Authentication required.");
        return false;
    }

    /// <summary>The authenticated user's ACL; a client not yet authenticated runs only commands that need no user.</summary>
    private static bool IsPermitted(ClientSession session, ProxyRequest request, CommandInfo command)
    {
        if (!session.Authenticated || session.User is not { Unrestricted: false } user || user.Check(command, request.Frame) is not { } denied)
        {
            return true;
        }
        Fail(session, request, denied);
        return false;
    }

    /// <summary>
    /// Redis's subscribed mode (RESP2): only (un)subscribe commands, PING, QUIT and RESET. PING answers as a pub/sub
    /// frame there.
    /// </summary>
    private static bool AllowedWhileSubscribed(ClientSession session, ProxyRequest request, CommandInfo command, CommandRoute route)
    {
        if (route.Kind == RouteKind.PubSub || !session.Subscribed)
        {
            return true;
        }
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
                request.Reject($"ERR Can't execute '{command.Name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context");
                return false;
        }
    }

    /// <summary>
    /// Redis's monitor mode: a monitor counts as a replica, which may not read or write keys; MONITOR again is
    /// silently ignored (no reply at all, as Redis); everything else runs. RESET ends monitor mode before it is fed,
    /// so the client leaving it is not shown its own RESET, as in Redis.
    /// </summary>
    private static bool AllowedWhileMonitoring(ClientSession session, ProxyRequest request, CommandInfo command)
    {
        if (command.Local == LocalCommand.Reset)
        {
            session.StopMonitoring();
            return true;
        }
        if (command.Local == LocalCommand.Monitor)
        {
            request.Complete();
            return false;
        }
        if ((command.Flags & (CommandFlags.ReadOnly | CommandFlags.Write | CommandFlags.MayReplicate)) == 0)
        {
            return true;
        }
        request.Reject("ERR Replica can't interact with the keyspace");
        return false;
    }

    /// <summary>Not inside MULTI, nor for pub/sub and transaction commands, whose state the client tracks.</summary>
    private bool InjectsFault(ClientSession session, ProxyRequest request, CommandInfo command, CommandRoute route) =>
        _faults is not null && !session.InMulti && route.Kind is not (RouteKind.PubSub or RouteKind.Transaction) &&
        _faults.TryInject(request, command.Name);

    private bool RoutedByPrefix(ClientSession session, ProxyRequest request, CommandInfo command, CommandRoute route) =>
        _prefixRouting is not null && _prefixRouting.Handle(session, request, command, route.Kind);

    private static bool QueuedInMulti(ClientSession session, ProxyRequest request, CommandInfo command, CommandRoute route)
    {
        if (!session.InMulti || route.Kind == RouteKind.Transaction)
        {
            return false;
        }
        session.Transaction.QueueOrRefuse(request, command);
        return true;
    }

    /// <summary>Answers an error; inside MULTI the error also dooms the EXEC, as in Redis.</summary>
    private static void Fail(ClientSession session, ProxyRequest request, string error)
    {
        if (session.InMulti)
        {
            request.Rejected = true;
            session.Transaction.Fail(request, error);
            return;
        }
        request.Reject(error);
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
