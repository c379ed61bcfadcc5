using Slotgate.Commands;

namespace Slotgate.Routing;

/// <summary>
/// Each command's route, resolved once at start-up and read by command id: <see cref="CommandRoutes"/>' policy, the
/// default forward for commands it does not list, and a refusal for commands the configuration disables.
/// </summary>
internal sealed class CommandRouteTable
{
    private readonly CommandRoute?[] _byId;

    /// <param name="allowDebug">routing.allowDebug: DEBUG's whole-node subcommands go to every primary rather than being refused.</param>
    public CommandRouteTable(CommandTable commands, IReadOnlyList<string> disabledCommands, bool allowDebug = false)
    {
        // Every command of the table already has its id, so the array has a place for each.
        _byId = new CommandRoute?[CommandInfo.IdCount];
        foreach (CommandInfo command in commands.Commands)
        {
            _byId[command.Id] = Resolve(command);
            if (allowDebug && command.Name == "debug")
            {
                _byId[command.Id] = CommandRoutes.DebugAllowed;
            }
            foreach (CommandInfo subcommand in command.Subcommands)
            {
                _byId[subcommand.Id] = Resolve(subcommand);
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
                    _byId[each.Id] = new CommandRoute(RouteKind.NotSupported, $"ERR Slotgate: '{display}' is disabled by configuration (routing.disabledCommands)");
                }
            }
        }
    }

    /// <summary>How <paramref name="command"/> is handled: an array read for the table's commands, resolved by name for any other.</summary>
    public CommandRoute For(CommandInfo command) =>
        (uint)command.Id < (uint)_byId.Length && _byId[command.Id] is { } route ? route : Resolve(command);

    private static CommandRoute Resolve(CommandInfo command) =>
        CommandRoutes.Find(command.Name.ToUpperInvariant()) ?? CommandRoute.Forward;
}
