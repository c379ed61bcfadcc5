namespace Slotgate.Commands;

/// <summary>
/// The command table a server routes by, and the seed it is learned onto. <see cref="Seed"/> is what Slotgate knows
/// without asking anyone (Redis 7.0's table, Slotgate's own additions, <c>routing.customCommands</c>);
/// <see cref="Table"/> is the one long-lived instance everything resolves, whose contents start as the seed's (with
/// Slotgate's own docs) and are replaced by what the cluster reports (<see cref="BackendCommands"/>).
/// </summary>
internal sealed class CommandTableSource
{
    public CommandTableSource(CommandTable seed)
    {
        ArgumentNullException.ThrowIfNull(seed);
        Seed = seed;
        Table = SlotgateDocs.Complete(CommandTable.Create(seed.Commands.ToArray(), seed.Docs));
    }

    public CommandTable Seed { get; }

    public CommandTable Table { get; }
}
