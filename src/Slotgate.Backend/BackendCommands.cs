using System.Buffers;
using Microsoft.Extensions.Logging;
using Slotgate.Backend;
using Slotgate.Protocol;

namespace Slotgate.Commands;

/// <summary>
/// Learns the command table from the cluster: every node's <c>COMMAND</c> reply, parsed in full
/// (<see cref="CommandInfoReader"/>: key specs, ACL categories, tips, subcommands), and its <c>COMMAND DOCS</c>, so a
/// newer server's commands (Redis 7.4's HEXPIRE, Garnet's extras, module commands) route by their key specs with no
/// code change. When nodes disagree (a rolling upgrade), the union of their commands is learned, and for a command
/// several report, the definition of the node that reports the most commands (the newest, presumably) wins; nodes are
/// taken in endpoint order on a tie, so the outcome does not depend on which answered first.
/// </summary>
internal static partial class BackendCommands
{
    /// <summary>
    /// The merged table (<see cref="CommandTableMerge"/>) of <paramref name="seed"/> and what the nodes at
    /// <paramref name="endpoints"/> report, or null when none answered; <paramref name="current"/> is returned
    /// unchanged when the nodes report nothing new.
    /// </summary>
    public static async Task<CommandTable?> LearnAsync(CommandTable seed, CommandTable current, BackendPool pool,
        IReadOnlyList<string> endpoints, TimeSpan timeout, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var answers = new List<NodeCommands>();
        foreach (string endpoint in endpoints.Order(StringComparer.Ordinal))
        {
            if (await ReadNodeAsync(pool, endpoint, timeout, logger).ConfigureAwait(false) is { } node)
            {
                answers.Add(node);
            }
        }
        if (answers.Count == 0)
        {
            return null;
        }
        // Stable sort: most commands first, endpoint order among equals.
        NodeCommands[] ranked = [.. answers.OrderByDescending(a => a.Commands.Count)];
        var commands = new Dictionary<string, CommandInfo>(StringComparer.OrdinalIgnoreCase);
        CommandDocs docs = CommandDocs.Empty;
        foreach (NodeCommands node in ranked)
        {
            foreach (CommandInfo command in node.Commands)
            {
                commands.TryAdd(command.Name, command);
            }
            docs = docs.WithDefaults(node.Docs);
        }
        CommandTable merged = CommandTableMerge.Merge(seed, commands.Values, docs, current);
        Log.Learned(logger, commands.Count, answers.Count, ranked[0].Endpoint, merged.Count);
        return SlotgateDocs.Complete(merged);
    }

    /// <summary>
    /// One node's commands merged into <paramref name="table"/> (docs left as they are); <paramref name="table"/>
    /// itself when the node reports nothing it lacks or defines differently.
    /// </summary>
    public static async Task<CommandTable> LearnAsync(CommandTable table, BackendPool pool, string endpoint, TimeSpan timeout, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(table);
        NodeCommands? node = await ReadNodeAsync(pool, endpoint, timeout, logger).ConfigureAwait(false);
        return node is null ? table : CommandTableMerge.Merge(table, node.Commands, docs: null, table);
    }

    /// <summary>One COMMAND INFO entry; null when malformed.</summary>
    internal static CommandInfo? FromInfoReply(RespValue entry) => CommandInfoReader.Read(entry);

    /// <summary>
    /// A COMMAND DOCS reply (name, doc, name, doc...) as each command's doc map in RESP2, under its lower-case name;
    /// the subcommands a doc nests ("subcommands": name, doc, ...) are listed under their own names too
    /// ("client|list"), so COMMAND DOCS of a subcommand is answered as Redis answers it.
    /// </summary>
    internal static List<KeyValuePair<string, byte[]>> ReadDocs(RespValue reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var docs = new List<KeyValuePair<string, byte[]>>();
        AddDocs(docs, reply.ItemsOrEmpty, depth: 0);
        return docs;
    }

    private static void AddDocs(List<KeyValuePair<string, byte[]>> docs, IReadOnlyList<RespValue> items, int depth)
    {
        for (int i = 0; i + 1 < items.Count; i += 2)
        {
            if (items[i].Text is not { Length: > 0 } name || items[i + 1].Items is not { } fields)
            {
                continue;
            }
            var buffer = new ArrayBufferWriter<byte>();
            RespValueWriter.Write(buffer, items[i + 1]);
            docs.Add(new(name.ToLowerInvariant(), buffer.WrittenSpan.ToArray()));
            for (int f = 0; depth == 0 && f + 1 < fields.Count; f += 2)
            {
                if (string.Equals(fields[f].Text, "subcommands", StringComparison.OrdinalIgnoreCase))
                {
                    AddDocs(docs, fields[f + 1].ItemsOrEmpty, depth + 1);
                }
            }
        }
    }

    private static async Task<NodeCommands?> ReadNodeAsync(BackendPool pool, string endpoint, TimeSpan timeout, ILogger logger)
    {
        RespValue reply;
        try
        {
            reply = await pool.ExecuteAsync(endpoint, timeout, "COMMAND").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or BackendException or OperationCanceledException or IOException)
        {
            Log.CommandFailed(logger, endpoint, ex.Message);
            return null;
        }
        if (reply.IsError || reply.Items is null)
        {
            Log.CommandFailed(logger, endpoint, reply.Text);
            return null;
        }
        var commands = new List<CommandInfo>(reply.Items.Count);
        foreach (RespValue entry in reply.Items)
        {
            if (CommandInfoReader.Read(entry) is { } command)
            {
                commands.Add(command);
            }
        }
        List<KeyValuePair<string, byte[]>> docs = [];
        try
        {
            RespValue docsReply = await pool.ExecuteAsync(endpoint, timeout, "COMMAND", "DOCS").ConfigureAwait(false);
            if (!docsReply.IsError)
            {
                docs = ReadDocs(docsReply);
            }
        }
        catch (Exception ex) when (ex is TimeoutException or BackendException or OperationCanceledException or IOException)
        {
            // Docs are for people reading them: the commands are learned all the same.
            Log.CommandFailed(logger, endpoint, ex.Message);
        }
        return new NodeCommands(endpoint, commands, docs);
    }

    private sealed record NodeCommands(string Endpoint, List<CommandInfo> Commands, List<KeyValuePair<string, byte[]>> Docs);

    private static partial class Log
    {
        [LoggerMessage(EventId = 450, Level = LogLevel.Warning, Message = "COMMAND on {Node} failed: {Error}")]
        public static partial void CommandFailed(ILogger logger, string node, string? error);

        [LoggerMessage(EventId = 451, Level = LogLevel.Information,
            Message = "Learned {Count} command(s) from {Nodes} node(s) (definitions of {Preferred} preferred); the table has {Total}")]
        public static partial void Learned(ILogger logger, int count, int nodes, string preferred, int total);
    }
}
