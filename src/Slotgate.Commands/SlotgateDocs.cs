using System.Buffers;
using System.Text;
using Slotgate.Protocol;

namespace Slotgate.Commands;

/// <summary>
/// Slotgate's own COMMAND DOCS entries, for every command and subcommand of a table: what COMMAND DOCS answers for
/// the commands no node documents (Slotgate's additions such as CLIENT SETINFO, <c>routing.customCommands</c>, or
/// every command before the nodes have been asked). A short summary and Redis's documentation group, nothing more:
/// the nodes' own entries replace them wherever the nodes have one.
/// </summary>
internal static class SlotgateDocs
{
    /// <summary><paramref name="table"/> with a doc entry for each command its docs lack.</summary>
    public static CommandTable Complete(CommandTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return table.WithDocs(table.Docs.WithDefaults(For(table)));
    }

    /// <summary>An entry for every command and subcommand of <paramref name="table"/>, by lower-case name.</summary>
    public static List<KeyValuePair<string, byte[]>> For(CommandTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var entries = new List<KeyValuePair<string, byte[]>>();
        foreach (CommandInfo command in table.Commands)
        {
            entries.Add(new(command.Name, Entry(command)));
            foreach (CommandInfo sub in command.Subcommands)
            {
                entries.Add(new(sub.Name, Entry(sub)));
            }
        }
        return entries;
    }

    private static byte[] Entry(CommandInfo command)
    {
        string display = command.Name.ToUpperInvariant().Replace('|', ' ');
        string summary = (command.Flags & CommandFlags.Module) != 0
            ? $"{display}: a module command, routed by Slotgate by its key specs (or as configured in routing.customCommands)."
            : $"{display}: routed or answered by Slotgate; no cluster node has documented it.";
        var buffer = new ArrayBufferWriter<byte>();
        RespWriter.WriteArrayHeader(buffer, 4);
        RespWriter.WriteBulkString(buffer, "summary"u8);
        RespWriter.WriteBulkString(buffer, Encoding.UTF8.GetBytes(summary));
        RespWriter.WriteBulkString(buffer, "group"u8);
        RespWriter.WriteBulkString(buffer, Encoding.UTF8.GetBytes(Group(command)));
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Redis's documentation group, from the command's flags and ACL categories.</summary>
    private static string Group(CommandInfo command)
    {
        AclCategories c = command.AclCategories;
        return (command.Flags & CommandFlags.Module) != 0 ? "module"
            : (c & AclCategories.String) != 0 ? "string"
            : (c & AclCategories.List) != 0 ? "list"
            : (c & AclCategories.Set) != 0 ? "set"
            : (c & AclCategories.SortedSet) != 0 ? "sorted-set"
            : (c & AclCategories.Hash) != 0 ? "hash"
            : (c & AclCategories.HyperLogLog) != 0 ? "hyperloglog"
            : (c & AclCategories.Geo) != 0 ? "geo"
            : (c & AclCategories.Stream) != 0 ? "stream"
            : (c & AclCategories.Bitmap) != 0 ? "bitmap"
            : (c & AclCategories.PubSub) != 0 ? "pubsub"
            : (c & AclCategories.Transaction) != 0 ? "transactions"
            : (c & AclCategories.Scripting) != 0 ? "scripting"
            : (c & AclCategories.Connection) != 0 ? "connection"
            : (c & AclCategories.Keyspace) != 0 ? "generic"
            : "server";
    }
}
