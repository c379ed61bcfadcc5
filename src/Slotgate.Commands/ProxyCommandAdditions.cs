namespace Slotgate.Commands;

/// <summary>
/// Connection commands newer than the Redis 7.0 table that Slotgate answers itself, so clients written for Redis 7.2
/// work through it: <c>CLIENT SETINFO</c> (sent by current client libraries on connect) and <c>CLIENT NO-TOUCH</c>.
/// Their shapes follow Redis 7.2's <c>COMMAND INFO</c>.
/// </summary>
internal static class ProxyCommandAdditions
{
    public static CommandTable AddTo(CommandTable table)
    {
        CommandInfo client = table.Find("client") ?? throw new InvalidOperationException("The command table has no CLIENT.");
        const CommandFlags connectionFlags = CommandFlags.NoScript | CommandFlags.Loading | CommandFlags.Stale;
        var subcommands = new List<CommandInfo>(client.Subcommands.ToArray());
        AddIfMissing(subcommands, new CommandInfo("client|setinfo", 4, connectionFlags, 0, 0, 0,
            AclCategories.Slow | AclCategories.Connection, [], [], []));
        AddIfMissing(subcommands, new CommandInfo("client|no-touch", 3, connectionFlags, 0, 0, 0,
            AclCategories.Slow | AclCategories.Connection, [], [], []));
        subcommands.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var extended = new CommandInfo(client.Name, client.Arity, client.Flags, client.FirstKey, client.LastKey, client.KeyStep,
            client.AclCategories, [.. client.Tips], client.KeySpecs.ToArray(), [.. subcommands]);
        return table.With([extended]);
    }

    private static void AddIfMissing(List<CommandInfo> subcommands, CommandInfo command)
    {
        if (!subcommands.Exists(c => c.Name == command.Name))
        {
            subcommands.Add(command);
        }
    }
}
