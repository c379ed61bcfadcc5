namespace Slotgate.Commands;

/// <summary>
/// <c>routing.customCommands</c>: module commands (JSON.GET, BF.ADD, ...) that the built-in table does not know, added
/// as single-key commands whose key is the first argument, like Envoy redis_proxy's <c>custom_commands</c>. Flagged
/// write so they always go to the primary: Slotgate cannot tell a module's reads from its writes.
/// </summary>
internal static class CustomCommands
{
    public static CommandTable AddTo(CommandTable table, IReadOnlyList<string> names)
    {
        if (names.Count == 0)
        {
            return table;
        }
        var commands = new List<CommandInfo>(names.Count);
        foreach (string name in names)
        {
            // Arity -2: the name and at least the key; anything after it is the module's business.
            commands.Add(new CommandInfo(name.Trim().ToLowerInvariant(), -2, CommandFlags.Write | CommandFlags.Module, 1, 1, 1,
                AclCategories.None, [], [new KeySpec(KeySpecFlags.None, BeginSearch.AtIndex(1), FindKeysRule.Range(0, 1, 0))], []));
        }
        return table.With(commands);
    }
}
