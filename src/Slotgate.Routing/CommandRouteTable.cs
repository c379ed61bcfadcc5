using Slotgate.Commands;

namespace Slotgate.Routing;

/// <summary>
/// Each command's route, resolved up front and read by command id: <see cref="CommandRoutes"/>' policy, the default
/// forward for commands it does not list, and a refusal for commands the configuration disables. Resolved again
/// whenever the command table changes (commands learned from the cluster), so a learned command is an array read too.
/// </summary>
internal sealed class CommandRouteTable
{
    private readonly IReadOnlyList<string> _disabledCommands;
    private readonly bool _allowDebug;
    private volatile CommandRoute?[] _byId;

    /// <param name="allowDebug">routing.allowDebug: DEBUG's whole-node subcommands go to every primary rather than being refused.</param>
    public CommandRouteTable(CommandTable commands, IReadOnlyList<string> disabledCommands, bool allowDebug = false)
    {
        ArgumentNullException.ThrowIfNull(commands);
        _disabledCommands = disabledCommands;
        _allowDebug = allowDebug;
        _byId = Build(commands, disabledCommands, allowDebug);
        commands.Changed += table => _byId = Build(table, _disabledCommands, _allowDebug);
    }

    /// <summary>How <paramref name="command"/> is handled: an array read for the table's commands, resolved by name for any other.</summary>
    public CommandRoute For(CommandInfo command)
    {
        CommandRoute?[] byId = _byId;
        return (uint)command.Id < (uint)byId.Length && byId[command.Id] is { } route ? route : Resolve(command);
    }

    private static CommandRoute?[] Build(CommandTable commands, IReadOnlyList<string> disabledCommands, bool allowDebug)
    {
        // Every command of the table already has its id, so the array has a place for each.
        var byId = new CommandRoute?[CommandInfo.IdCount];
        foreach (CommandInfo command in commands.Commands)
        {
            byId[command.Id] = allowDebug && command.Name == "debug" ? CommandRoutes.DebugAllowed : Resolve(command);
            foreach (CommandInfo subcommand in command.Subcommands)
            {
                byId[subcommand.Id] = Resolve(subcommand);
            }
        }
        foreach (string name in disabledCommands)
        {
            if (commands.Find(name.Trim().Replace(' ', '|')) is { } disabled)
            {
                // Disabling a container (CONFIG) disables each of its subcommands (CONFIG GET, CONFIG SET...) too.
                foreach (CommandInfo each in (ReadOnlySpan<CommandInfo>)[disabled, .. disabled.Subcommands])
                {
                    string display = each.Name.ToUpperInvariant().Replace('|', ' ');
                    byId[each.Id] = new CommandRoute(RouteKind.NotSupported, $"ERR Slotgate: '{display}' is disabled by configuration (routing.disabledCommands)");
                }
            }
        }
        return byId;
    }

    private static CommandRoute Resolve(CommandInfo command) =>
        CommandRoutes.Find(command.Name.ToUpperInvariant()) ?? CommandRoute.Forward;
}
