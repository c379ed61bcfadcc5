using Slotgate.Commands;

namespace Slotgate.Diagnostics;

/// <summary>
/// One <see cref="CommandStat"/> per command and subcommand of the table, created up front and never added to, so
/// looking one up on the per-command path is a lock-free read of an array element (by <see cref="CommandInfo.Id"/>).
/// </summary>
internal sealed class CommandStatsTable
{
    private CommandStat?[] _byId = []; // by CommandInfo.Id
    private readonly List<CommandStat> _all;

    public CommandStatsTable()
    {
        Other = new CommandStat("other");
        _all = [Other];
    }

    /// <summary>Commands not in the table (unknown names): one shared label, so clients cannot grow the label set.</summary>
    public CommandStat Other { get; }

    /// <summary>Called once with the command table, before any client connects.</summary>
    public void Register(CommandTable commands)
    {
        if (_byId.Length > 0)
        {
            return; // already registered (a second dispatcher over the same metrics)
        }
        // Every command of the table already has its id, so the array has a place for each.
        var byId = new CommandStat?[CommandInfo.IdCount];
        foreach (CommandInfo command in commands.Commands)
        {
            Add(byId, command);
            foreach (CommandInfo sub in command.Subcommands)
            {
                Add(byId, sub);
            }
        }
        _byId = byId;
    }

    public CommandStat For(CommandInfo? command)
    {
        CommandStat?[] byId = _byId;
        return command is not null && (uint)command.Id < (uint)byId.Length && byId[command.Id] is { } stat ? stat : Other;
    }

    /// <summary>Every command's stats, in table order, then <see cref="Other"/>.</summary>
    public IReadOnlyList<CommandStat> All => _all;

    /// <summary>Every command's counters read 0 from now on (CONFIG RESETSTAT).</summary>
    public void Reset()
    {
        foreach (CommandStat stat in _all)
        {
            stat.Reset();
        }
    }

    private void Add(CommandStat?[] byId, CommandInfo command)
    {
        if (byId[command.Id] is null)
        {
            var stat = new CommandStat(command.Name.ToLowerInvariant());
            byId[command.Id] = stat;
            _all.Insert(_all.Count - 1, stat);
        }
    }
}
