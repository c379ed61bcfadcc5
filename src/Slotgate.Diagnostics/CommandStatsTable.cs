using Slotgate.Commands;

namespace Slotgate.Diagnostics;

/// <summary>
/// One <see cref="CommandStat"/> per command and subcommand of the table, created up front and never added to, so
/// looking one up on the per-command path is a lock-free read of an array element (by <see cref="CommandInfo.Id"/>).
/// </summary>
internal sealed class CommandStatsTable
{
    private CommandStat?[] _byId = []; // by CommandInfo.Id
    private List<CommandStat> _all; // replaced, never changed, once published
    private readonly Dictionary<string, CommandStat> _byName = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private CommandTable? _registered;

    public CommandStatsTable()
    {
        Other = new CommandStat("other");
        _all = [Other];
    }

    /// <summary>Commands not in the table (unknown names): one shared label, so clients cannot grow the label set.</summary>
    public CommandStat Other { get; }

    /// <summary>
    /// Called with the command table before any client connects; registers again (adding the new commands, and giving
    /// a changed command's new instance its name's existing stat) each time the table changes.
    /// </summary>
    public void Register(CommandTable commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        lock (_gate)
        {
            if (_registered is not null && !ReferenceEquals(_registered, commands))
            {
                return; // already registered (a second dispatcher over the same metrics)
            }
            if (_registered is null)
            {
                _registered = commands;
                commands.Changed += Register;
            }
            // Every command of the table already has its id, so the array has a place for each.
            var byId = new CommandStat?[CommandInfo.IdCount];
            Array.Copy(_byId, byId, Math.Min(_byId.Length, byId.Length));
            var all = new List<CommandStat>(_all);
            foreach (CommandInfo command in commands.Commands)
            {
                Add(byId, all, command);
                foreach (CommandInfo sub in command.Subcommands)
                {
                    Add(byId, all, sub);
                }
            }
            _all = all;
            Volatile.Write(ref _byId, byId);
        }
    }

    public CommandStat For(CommandInfo? command)
    {
        CommandStat?[] byId = Volatile.Read(ref _byId);
        return command is not null && (uint)command.Id < (uint)byId.Length && byId[command.Id] is { } stat ? stat : Other;
    }

    /// <summary>Every command's stats, in table order, then <see cref="Other"/>.</summary>
    public IReadOnlyList<CommandStat> All => Volatile.Read(ref _all);

    private void Add(CommandStat?[] byId, List<CommandStat> all, CommandInfo command)
    {
        if (byId[command.Id] is not null)
        {
            return;
        }
        string name = command.Name.ToLowerInvariant();
        if (!_byName.TryGetValue(name, out CommandStat? stat))
        {
            stat = new CommandStat(name);
            _byName[name] = stat;
            all.Insert(all.Count - 1, stat);
        }
        byId[command.Id] = stat;
    }
}
