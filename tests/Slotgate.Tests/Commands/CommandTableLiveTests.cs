using System.Buffers;
using Slotgate.Commands;

namespace Slotgate.Tests.Commands;

/// <summary>The built-in table against a live Redis 7.0: same commands, and the same COMMAND INFO reply, field by field.</summary>
public sealed class CommandTableLiveTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public void Commands_ComparedWithCommandList_SameNamesIncludingSubcommands()
    {
        using RawRedisClient client = redis.Connect();
        RespNode list = client.Execute("COMMAND", "LIST");

        string[] live = [.. list.Items.Select(n => n.Str).Order(StringComparer.Ordinal)];
        string[] table =
        [
            .. CommandTable.BuiltIn.Commands.ToArray()
                .SelectMany(c => c.Subcommands.ToArray().Select(s => s.Name).Prepend(c.Name))
                .Order(StringComparer.Ordinal),
        ];
        Assert.Equal(live, table);
        Assert.Equal(client.Execute("COMMAND", "COUNT").Integer, CommandTable.BuiltIn.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WriteCommandInfo_EveryCommand_MatchesLiveCommandInfo(bool resp3)
    {
        using RawRedisClient client = redis.Connect(resp3);
        CommandInfo[] commands = CommandTable.BuiltIn.Commands.ToArray();
        RespNode live = client.Execute(["COMMAND", "INFO", .. commands.Select(c => c.Name)]);
        Assert.Equal(commands.Length, live.Items.Count);

        var mismatches = new List<string>();
        for (int i = 0; i < commands.Length; i++)
        {
            var buffer = new ArrayBufferWriter<byte>();
            CommandInfoWriter.WriteCommandInfo(buffer, commands[i], resp3);
            string ours = Canonical(RespNodeReader.Parse(buffer.WrittenSpan.ToArray()));
            string theirs = Canonical(live.Items[i]);
            if (ours != theirs)
            {
                mismatches.Add($"{commands[i].Name}:\n  table: {ours}\n  redis: {theirs}");
            }
        }
        Assert.Empty(mismatches);
    }

    [Fact]
    public void WriteAll_ComparedWithLiveCommand_SameEntries()
    {
        using RawRedisClient client = redis.Connect();
        RespNode live = client.Execute("COMMAND");
        var buffer = new ArrayBufferWriter<byte>();
        CommandInfoWriter.WriteAll(buffer, CommandTable.BuiltIn, resp3: false);
        RespNode ours = RespNodeReader.Parse(buffer.WrittenSpan.ToArray());

        // COMMAND lists in hash order; compare as sets of canonical entries.
        Assert.Equal(
            live.Items.Select(Canonical).Order(StringComparer.Ordinal),
            ours.Items.Select(Canonical).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(false, "*1\r\n$-1\r\n")]
    [InlineData(true, "*1\r\n_\r\n")]
    public void WriteUnknown_UnknownName_MatchesLiveNull(bool resp3, string expected)
    {
        using RawRedisClient client = redis.Connect(resp3);
        Assert.Equal('_', client.Execute("COMMAND", "INFO", "no-such-command").Items[0].Type);

        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write("*1\r\n"u8);
        CommandInfoWriter.WriteUnknown(buffer, resp3);
        Assert.Equal(expected, System.Text.Encoding.ASCII.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void Find_EverySubcommandFullName_MatchesLiveCommandInfo()
    {
        using RawRedisClient client = redis.Connect();
        foreach (CommandInfo container in CommandTable.BuiltIn.Commands)
        {
            foreach (CommandInfo sub in container.Subcommands)
            {
                RespNode live = client.Execute("COMMAND", "INFO", sub.Name.ToUpperInvariant()).Items[0];
                CommandInfo? found = CommandTable.BuiltIn.Find(sub.Name.ToUpperInvariant());
                Assert.Same(sub, found);
                Assert.Equal(live.Items[0].Str, found!.Name);
                Assert.Equal(live.Items[1].Integer, found.Arity);
            }
        }
    }

    /// <summary>
    /// Redis emits subcommands in hash-table order, which changes between server runs; everything else is in a fixed
    /// order. Sort subcommand entries by name, recursively, and keep the rest as is.
    /// </summary>
    private static string Canonical(RespNode entry)
    {
        if (entry.Children is null || entry.Children.Count != 10)
        {
            return entry.ToString();
        }
        var items = entry.Children.ToList();
        RespNode subcommands = items[9];
        string subs = string.Join(", ", subcommands.Items.Select(Canonical).Order(StringComparer.Ordinal));
        items.RemoveAt(9);
        return $"{new RespNode(entry.Type, null, 0, items)} subcommands {subcommands.Type}[{subs}]";
    }
}
