namespace Slotgate.Commands;

/// <summary>
/// Holds the command table until the proxy starts serving: start-up replaces it with one extended by what the backend
/// reports (<see cref="BackendCommands"/>) before anything that routes resolves the table.
/// </summary>
internal sealed class CommandTableSource(CommandTable table)
{
    public CommandTable Table { get; set; } = table;
}
