using Microsoft.Extensions.Logging;
using Slotgate.Backend;
using Slotgate.Protocol;

namespace Slotgate.Commands;

/// <summary>
/// Learns the commands a backend node knows that the table does not — module commands (JSON.GET, FT.SEARCH, BF.ADD)
/// or commands of a newer Redis — from its <c>COMMAND LIST</c> and <c>COMMAND INFO</c>, so they route by their keys
/// instead of being refused as unknown. Keys come from the legacy first/last/step triple, which every COMMAND INFO
/// entry has; a command whose keys move (movablekeys, no triple) is learned as keyless, which Slotgate refuses with
/// an error naming it, as for other keyless commands it cannot place.
/// </summary>
internal static partial class BackendCommands
{
    public static async Task<CommandTable> LearnAsync(CommandTable table, BackendPool pool, string endpoint, TimeSpan timeout, ILogger logger)
    {
        RespValue list = await pool.ExecuteAsync(endpoint, timeout, "COMMAND", "LIST").ConfigureAwait(false);
        if (list.IsError || list.Items is null)
        {
            Log.CommandListFailed(logger, endpoint, list.Text);
            return table;
        }
        string[] unknown = [.. list.Items.Select(i => i.Text).OfType<string>().Where(n => table.Find(n) is null)];
        if (unknown.Length == 0)
        {
            return table;
        }
        RespValue info = await pool.ExecuteAsync(endpoint, timeout, ["COMMAND", "INFO", .. unknown]).ConfigureAwait(false);
        var learned = new List<CommandInfo>();
        foreach (RespValue entry in info.ItemsOrEmpty)
        {
            if (FromInfoReply(entry) is { } command)
            {
                learned.Add(command);
            }
        }
        if (learned.Count == 0)
        {
            return table;
        }
        Log.Learned(logger, learned.Count, endpoint, string.Join(", ", learned.Select(c => c.Name)));
        return table.With(learned);
    }

    /// <summary>One COMMAND INFO entry: [name, arity, [flags], first key, last key, step, ...]; null when malformed.</summary>
    internal static CommandInfo? FromInfoReply(RespValue entry)
    {
        IReadOnlyList<RespValue> items = entry.ItemsOrEmpty;
        if (items.Count < 6 || items[0].Text is not { Length: > 0 } name || items[2].Items is not { } flagItems)
        {
            return null;
        }
        CommandFlags flags = CommandFlags.None;
        foreach (RespValue flag in flagItems)
        {
            foreach (var (value, flagName) in CommandMetadataNames.CommandFlagNames)
            {
                if (string.Equals(flag.Text, flagName, StringComparison.OrdinalIgnoreCase))
                {
                    flags |= value;
                }
            }
        }
        if ((flags & (CommandFlags.Write | CommandFlags.ReadOnly)) == 0)
        {
            // Unknown intent: the primary is the safe place for it.
            flags |= CommandFlags.Write;
        }
        int first = (int)items[3].Integer;
        int last = (int)items[4].Integer;
        int step = (int)items[5].Integer;
        KeySpec[] specs = first > 0
            ? [new KeySpec(KeySpecFlags.None, BeginSearch.AtIndex(first), FindKeysRule.Range(last < 0 ? last : last - first, Math.Max(step, 1), 0))]
            : [];
        return new CommandInfo(name.ToLowerInvariant(), (int)items[1].Integer, flags, first, last, step, AclCategories.None, [], specs, []);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 450, Level = LogLevel.Debug, Message = "COMMAND LIST on {Node} failed: {Error}")]
        public static partial void CommandListFailed(ILogger logger, string node, string? error);

        [LoggerMessage(EventId = 451, Level = LogLevel.Information, Message = "Learned {Count} command(s) from {Node}: {Names}")]
        public static partial void Learned(ILogger logger, int count, string node, string names);
    }
}
