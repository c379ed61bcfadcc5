using System.Buffers;
using System.Text;
using Slotgate.Protocol;

namespace Slotgate.Commands;

/// <summary>
/// Encodes <see cref="CommandInfo"/> the way Redis 7.0 answers COMMAND / COMMAND INFO, in RESP2 or RESP3.
/// In RESP3 Redis sends flags, ACL categories, tips, key specs and key-spec flags as sets and the spec maps as maps;
/// an empty subcommand list is an empty set but a non-empty one an array — odd, but clients see exactly that.
/// Carries its own few RESP helpers so it does not depend on the protocol writer.
/// </summary>
internal static class CommandInfoWriter
{
    /// <summary>The COMMAND reply: every command of <paramref name="table"/>.</summary>
    public static void WriteAll(IBufferWriter<byte> writer, CommandTable table, bool resp3)
    {
        ArgumentNullException.ThrowIfNull(table);
        WriteHeader(writer, '*', table.Count);
        foreach (CommandInfo command in table.Commands)
        {
            WriteCommandInfo(writer, command, resp3);
        }
    }

    /// <summary>The entry COMMAND INFO gives for a name it does not know.</summary>
    public static void WriteUnknown(IBufferWriter<byte> writer, bool resp3) =>
        WriteRaw(writer, resp3 ? "_\r\n"u8 : "$-1\r\n"u8);

    /// <summary>One command's 10-element entry (name, arity, flags, first, last, step, ACL categories, tips, key specs, subcommands).</summary>
    public static void WriteCommandInfo(IBufferWriter<byte> writer, CommandInfo command, bool resp3)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(command);
        char set = resp3 ? '~' : '*';

        WriteHeader(writer, '*', 10);
        WriteBulk(writer, command.Name);
        WriteInteger(writer, command.Arity);

        WriteFlagNames(writer, set, command.Flags, CommandMetadataNames.CommandFlagNames);

        WriteInteger(writer, command.FirstKey);
        WriteInteger(writer, command.LastKey);
        WriteInteger(writer, command.KeyStep);

        WriteFlagNames(writer, set, command.AclCategories, CommandMetadataNames.AclCategoryNames);

        WriteHeader(writer, set, command.Tips.Count);
        for (int i = 0; i < command.Tips.Count; i++)
        {
            WriteBulk(writer, command.Tips[i]);
        }

        WriteHeader(writer, set, command.KeySpecs.Length);
        foreach (KeySpec spec in command.KeySpecs)
        {
            WriteKeySpec(writer, spec, resp3);
        }

        ReadOnlySpan<CommandInfo> subcommands = command.Subcommands;
        WriteHeader(writer, subcommands.IsEmpty ? set : '*', subcommands.Length);
        foreach (CommandInfo sub in subcommands)
        {
            WriteCommandInfo(writer, sub, resp3);
        }
    }

    private static void WriteKeySpec(IBufferWriter<byte> writer, KeySpec spec, bool resp3)
    {
        WriteMapHeader(writer, spec.Notes is null ? 3 : 4, resp3);
        if (spec.Notes is not null)
        {
            WriteBulkField(writer, "notes", spec.Notes);
        }

        WriteBulk(writer, "flags");
        WriteFlagNames(writer, resp3 ? '~' : '*', spec.Flags, CommandMetadataNames.KeySpecFlagNames);

        WriteBulk(writer, "begin_search");
        WriteMapHeader(writer, 2, resp3);
        BeginSearch begin = spec.BeginSearch;
        switch (begin.Type)
        {
            case BeginSearchType.Index:
                WriteTypeAndSpecHeader(writer, "index", 1, resp3);
                WriteIntegerField(writer, "index", begin.Index);
                break;
            case BeginSearchType.Keyword:
                WriteTypeAndSpecHeader(writer, "keyword", 2, resp3);
                WriteBulkField(writer, "keyword", begin.Keyword ?? string.Empty);
                WriteIntegerField(writer, "startfrom", begin.StartFrom);
                break;
            default:
                WriteTypeAndSpecHeader(writer, "unknown", 0, resp3);
                break;
        }

        WriteBulk(writer, "find_keys");
        WriteMapHeader(writer, 2, resp3);
        FindKeysRule find = spec.FindKeys;
        switch (find.Type)
        {
            case FindKeysType.Range:
                WriteTypeAndSpecHeader(writer, "range", 3, resp3);
                WriteIntegerField(writer, "lastkey", find.LastKey);
                WriteIntegerField(writer, "keystep", find.KeyStep);
                WriteIntegerField(writer, "limit", find.Limit);
                break;
            case FindKeysType.KeyNum:
                WriteTypeAndSpecHeader(writer, "keynum", 3, resp3);
                WriteIntegerField(writer, "keynumidx", find.KeyNumIndex);
                WriteIntegerField(writer, "firstkey", find.FirstKey);
                WriteIntegerField(writer, "keystep", find.KeyStep);
                break;
            default:
                WriteTypeAndSpecHeader(writer, "unknown", 0, resp3);
                break;
        }
    }

    /// <summary>
    /// A set (an array in RESP2) of the names in <paramref name="names"/> whose flag <paramref name="value"/> has, in the
    /// table's order.
    /// </summary>
    private static void WriteFlagNames<TFlags>(IBufferWriter<byte> writer, char set, TFlags value, ReadOnlySpan<(TFlags Flag, string Name)> names)
        where TFlags : struct, Enum
    {
        int count = 0;
        foreach ((TFlags flag, _) in names)
        {
            count += value.HasFlag(flag) ? 1 : 0;
        }
        WriteHeader(writer, set, count);
        foreach ((TFlags flag, string name) in names)
        {
            if (value.HasFlag(flag))
            {
                WriteSimple(writer, name);
            }
        }
    }

    /// <summary>Writes "type" → <paramref name="type"/>, then "spec" and the header of a map of <paramref name="fields"/> entries.</summary>
    private static void WriteTypeAndSpecHeader(IBufferWriter<byte> writer, string type, int fields, bool resp3)
    {
        WriteBulk(writer, "type");
        WriteBulk(writer, type);
        WriteBulk(writer, "spec");
        WriteMapHeader(writer, fields, resp3);
    }

    /// <summary>One map entry: <paramref name="name"/>, then <paramref name="value"/> as an integer.</summary>
    private static void WriteIntegerField(IBufferWriter<byte> writer, string name, long value)
    {
        WriteBulk(writer, name);
        WriteInteger(writer, value);
    }

    /// <summary>One map entry: <paramref name="name"/>, then <paramref name="value"/> as a bulk string.</summary>
    private static void WriteBulkField(IBufferWriter<byte> writer, string name, string value)
    {
        WriteBulk(writer, name);
        WriteBulk(writer, value);
    }

    private static void WriteMapHeader(IBufferWriter<byte> writer, int entries, bool resp3) =>
        WriteHeader(writer, resp3 ? '%' : '*', resp3 ? entries : entries * 2);

    private static void WriteHeader(IBufferWriter<byte> writer, char prefix, long value)
    {
        Span<byte> span = writer.GetSpan(24);
        span[0] = (byte)prefix;
        int n = RespFormatter.FormatInt(value, span[1..]);
        span[n + 1] = (byte)'\r';
        span[n + 2] = (byte)'\n';
        writer.Advance(n + 3);
    }

    private static void WriteInteger(IBufferWriter<byte> writer, long value) => WriteHeader(writer, ':', value);

    private static void WriteSimple(IBufferWriter<byte> writer, string text)
    {
        WriteRaw(writer, "+"u8);
        WriteText(writer, text);
        WriteRaw(writer, "\r\n"u8);
    }

    private static void WriteBulk(IBufferWriter<byte> writer, string text)
    {
        WriteHeader(writer, '$', Encoding.UTF8.GetByteCount(text));
        WriteText(writer, text);
        WriteRaw(writer, "\r\n"u8);
    }

    private static void WriteText(IBufferWriter<byte> writer, string text) => Encoding.UTF8.GetBytes(text, writer);

    private static void WriteRaw(IBufferWriter<byte> writer, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(bytes);
    }
}
