using System.Globalization;
using Slotgate.Commands;

namespace Slotgate.Tests.Commands;

public class CommandInfoReaderTests
{
    [Fact]
    public void Read_IndexAndRange_KeyAtTheIndex()
    {
        CommandInfo command = Read(Entry("HEXPIRE", -6, ["DENYOOM", "fast", "write"], 1, 1, 1, ["@hash", "@fast", "@write"], [],
            [Spec(["RW", "update"], Index(1), Range(0, 1, 0))]));

        Assert.Equal("hexpire", command.Name);
        Assert.Equal(-6, command.Arity);
        Assert.Equal(CommandFlags.DenyOom | CommandFlags.Fast | CommandFlags.Write, command.Flags & CommandFlags.RedisMask);
        Assert.Equal(AclCategories.Hash | AclCategories.Fast | AclCategories.Write, command.AclCategories);
        KeySpec spec = Assert.Single(command.KeySpecs.ToArray());
        Assert.Equal(KeySpecFlags.RW | KeySpecFlags.Update, spec.Flags);
        Assert.Equal(BeginSearch.AtIndex(1), spec.BeginSearch);
        Assert.Equal(FindKeysRule.Range(0, 1, 0), spec.FindKeys);
        Assert.Equal(1, command.SingleKeyIndex);
        Assert.Equal([1], Keys(command, "HEXPIRE", "h", "10", "FIELDS", "1", "f"));
    }

    [Fact]
    public void Read_KeywordAndRangeWithLimit_KeysOfTheFirstHalf()
    {
        // XREAD's shape: the keys follow STREAMS and are the first half of what remains.
        CommandInfo command = Read(Entry("xread", -4, ["readonly", "blocking", "movablekeys"], 0, 0, 0, ["@read", "@stream", "@slow", "@blocking"], [],
            [Spec(["RO", "access"], Keyword("STREAMS", 1), Range(-1, 1, 2))]));

        Assert.Equal(BeginSearch.AfterKeyword("STREAMS", 1), command.KeySpecs[0].BeginSearch);
        Assert.Equal([4, 5], Keys(command, "XREAD", "COUNT", "1", "STREAMS", "a", "b", "0", "0"));
    }

    [Fact]
    public void Read_KeywordSearchedFromTheEnd_KeysAfterIt()
    {
        // MIGRATE's second spec: KEYS searched backwards from the end.
        CommandInfo command = Read(Entry("migrate", -6, ["write", "movablekeys"], 3, 3, 1, ["@keyspace", "@write", "@slow", "@dangerous"], ["nondeterministic_output"],
            [Spec(["RW", "access", "delete"], Index(3), Range(0, 1, 0)), Spec(["RW", "access", "delete", "incomplete"], Keyword("KEYS", -2), Range(-1, 1, 0))]));

        Assert.Equal(["nondeterministic_output"], command.Tips);
        Assert.Equal(BeginSearch.AfterKeyword("KEYS", -2), command.KeySpecs[1].BeginSearch);
        Assert.Equal(KeySpecFlags.RW | KeySpecFlags.Access | KeySpecFlags.Delete | KeySpecFlags.Incomplete, command.KeySpecs[1].Flags);
    }

    [Fact]
    public void Read_KeyNum_KeysCountedByTheArgument()
    {
        CommandInfo command = Read(Entry("EVAL", -3, ["noscript", "skip_monitor", "stale", "movablekeys", "no_mandatory_keys"], 0, 0, 0, ["@slow", "@scripting"], [],
            [Spec(["RW", "access", "update"], Index(2), KeyNum(0, 1, 1), notes: "We cannot tell how the keys will be used")]));

        Assert.Equal(FindKeysRule.KeyNum(0, 1, 1), command.KeySpecs[0].FindKeys);
        Assert.Equal("We cannot tell how the keys will be used", command.KeySpecs[0].Notes);
        Assert.Equal([3, 4], Keys(command, "EVAL", "return 1", "2", "k1", "k2", "arg"));
        Assert.NotEqual(CommandFlags.None, command.Flags & CommandFlags.MovableKeys);
    }

    [Fact]
    public void Read_UnknownSearch_SpecKeptAsUnknown()
    {
        CommandInfo command = Read(Entry("sort", -2, ["write", "denyoom", "movablekeys"], 1, 0, 1, ["@write"], [],
            [Spec(["RO", "access"], Index(1), Range(0, 1, 0)), Spec(["OW", "update"], ["type", "unknown", "spec", Array()], ["type", "unknown", "spec", Array()])]));

        Assert.True(command.HasUnknownKeySpecs);
        Assert.Equal(BeginSearch.Unknown, command.KeySpecs[1].BeginSearch);
        Assert.Equal(FindKeysRule.Unknown, command.KeySpecs[1].FindKeys);
    }

    [Fact]
    public void Read_Subcommands_EachReadAndSorted()
    {
        CommandInfo command = Read(Entry("CLIENT", -2, [], 0, 0, 0, ["@slow"], [], [],
            [
                Entry("CLIENT|SETNAME", 3, ["noscript", "loading", "stale"], 0, 0, 0, ["@slow", "@connection"], [], []),
                Entry("CLIENT|GETNAME", 2, ["noscript", "loading", "stale"], 0, 0, 0, ["@slow", "@connection"], [], []),
            ]));

        Assert.Equal(["client|getname", "client|setname"], command.Subcommands.ToArray().Select(s => s.Name));
        Assert.Equal(LocalCommand.ClientSetName, command.FindSubcommand("setname"u8)!.Local);
    }

    [Fact]
    public void Read_Resp3MapsAndSets_SameAsResp2()
    {
        // RESP3: flags and categories as sets, key specs as maps.
        string resp3 = "*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@string\r\n+@fast\r\n~0\r\n" +
            "~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n" +
            "$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n";

        CommandInfo command = Assert.IsType<CommandInfo>(CommandInfoReader.Read(RespValue.Parse(Encoding.ASCII.GetBytes(resp3))));

        Assert.True(CommandTableMerge.SameDefinition(CommandTable.BuiltIn.Find("get")!, command));
    }

    [Fact]
    public void Read_NotAnEntry_Null()
    {
        Assert.Null(CommandInfoReader.Read(RespValue.Parse("$-1\r\n"u8.ToArray())));
        Assert.Null(CommandInfoReader.Read(RespValue.Parse("-ERR nope\r\n"u8.ToArray())));
    }

    [Fact]
    public void Read_NoKeySpecs_RangeFromTheLegacyTriple()
    {
        // A module command declared the old way, or a server before Redis 7: first/last/step is all there is.
        CommandInfo command = Read(Entry("json.mget", -3, ["readonly", "module"], 1, -2, 1, [], [], []));

        Assert.Equal([1, 2], Keys(command, "JSON.MGET", "a", "b", "$"));
    }

    internal static CommandInfo Read(object?[] entry) =>
        Assert.IsType<CommandInfo>(CommandInfoReader.Read(RespValue.Parse(Encode(entry))));

    internal static object?[] Entry(string name, int arity, string[] flags, int first, int last, int step, string[] categories, string[] tips,
        object?[][] specs, object?[][]? subcommands = null) =>
        [name, arity, flags, first, last, step, categories, tips, specs, subcommands ?? []];

    internal static object?[] Spec(string[] flags, object?[] begin, object?[] find, string? notes = null) =>
        notes is null
            ? ["flags", flags, "begin_search", begin, "find_keys", find]
            : ["notes", notes, "flags", flags, "begin_search", begin, "find_keys", find];

    internal static object?[] Index(int index) => ["type", "index", "spec", new object?[] { "index", index }];

    private static object?[] Keyword(string keyword, int startFrom) => ["type", "keyword", "spec", new object?[] { "keyword", keyword, "startfrom", startFrom }];

    internal static object?[] Range(int last, int step, int limit) =>
        ["type", "range", "spec", new object?[] { "lastkey", last, "keystep", step, "limit", limit }];

    private static object?[] KeyNum(int keyNumIndex, int firstKey, int step) =>
        ["type", "keynum", "spec", new object?[] { "keynumidx", keyNumIndex, "firstkey", firstKey, "keystep", step }];

    private static object?[] Array() => [];

    /// <summary>RESP2: strings as bulk strings, numbers as integers, arrays as arrays.</summary>
    internal static byte[] Encode(object? value)
    {
        var text = new StringBuilder();
        Append(text, value);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static void Append(StringBuilder text, object? value)
    {
        switch (value)
        {
            case null:
                text.Append("$-1\r\n");
                break;
            case string s:
                text.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(s)}\r\n{s}\r\n");
                break;
            case int i:
                text.Append(CultureInfo.InvariantCulture, $":{i}\r\n");
                break;
            case System.Collections.IList list:
                text.Append(CultureInfo.InvariantCulture, $"*{list.Count}\r\n");
                foreach (object? item in list)
                {
                    Append(text, item);
                }
                break;
            default:
                throw new ArgumentException($"cannot encode {value.GetType()}", nameof(value));
        }
    }

    private static int[] Keys(CommandInfo command, params string[] args)
    {
        var frame = new RequestFrame();
        frame.Set(args);
        int[] keys = new int[args.Length];
        int count = command.FindKeys(frame, keys);
        return keys[..count];
    }
}
