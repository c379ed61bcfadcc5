using System.Buffers;
using Slotgate.Commands;

namespace Slotgate.Tests.Commands;

/// <summary>The built-in table against a live Redis 7.0: same commands, and the same COMMAND INFO reply, field by field.</summary>
public sealed class CommandTableLiveTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    [Fact]
    public void Commands_ComparedWithCommandList_SameNamesIncludingSubcommands()
    {
        using RespTestClient client = redis.Connect();
        RespValue list = client.Call("COMMAND", "LIST");

        string[] live = [.. list.Items!.Select(n => n.Text!).Order(StringComparer.Ordinal)];
        string[] table =
        [
            .. CommandTable.BuiltIn.Commands.ToArray()
                .SelectMany(c => c.Subcommands.ToArray().Select(s => s.Name).Prepend(c.Name))
                .Order(StringComparer.Ordinal),
        ];
        Assert.Equal(live, table);
        Assert.Equal(client.Call("COMMAND", "COUNT").Integer, CommandTable.BuiltIn.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void WriteCommandInfo_EveryCommand_MatchesLiveCommandInfo(bool resp3)
    {
        using RespTestClient client = redis.Connect(resp3);
        CommandInfo[] commands = CommandTable.BuiltIn.Commands.ToArray();
        RespValue live = client.Call(["COMMAND", "INFO", .. commands.Select(c => c.Name)]);
        Assert.Equal(commands.Length, live.Items!.Count);

        var mismatches = new List<string>();
        for (int i = 0; i < commands.Length; i++)
        {
            var buffer = new ArrayBufferWriter<byte>();
            CommandInfoWriter.WriteCommandInfo(buffer, commands[i], resp3);
            string ours = Canonical(RespValue.Parse(buffer.WrittenSpan.ToArray()));
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
        using RespTestClient client = redis.Connect();
        RespValue live = client.Call("COMMAND");
        var buffer = new ArrayBufferWriter<byte>();
        CommandInfoWriter.WriteAll(buffer, CommandTable.BuiltIn, resp3: false);
        RespValue ours = RespValue.Parse(buffer.WrittenSpan.ToArray());

        // COMMAND lists in hash order; compare as sets of canonical entries.
        Assert.Equal(
            live.Items!.Select(Canonical).Order(StringComparer.Ordinal),
            ours.Items!.Select(Canonical).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(false, "*1\r\n$-1\r\n")]
    [InlineData(true, "*1\r\n_\r\n")]
    public void WriteUnknown_UnknownName_MatchesLiveNull(bool resp3, string expected)
    {
        using RespTestClient client = redis.Connect(resp3);
        Assert.True(client.Call("COMMAND", "INFO", "no-such-command").Items![0].IsNull);

        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write("*1\r\n"u8);
        CommandInfoWriter.WriteUnknown(buffer, resp3);
        Assert.Equal(expected, System.Text.Encoding.ASCII.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void Find_EverySubcommandFullName_MatchesLiveCommandInfo()
    {
        using RespTestClient client = redis.Connect();
        foreach (CommandInfo container in CommandTable.BuiltIn.Commands)
        {
            foreach (CommandInfo sub in container.Subcommands)
            {
                RespValue live = client.Call("COMMAND", "INFO", sub.Name.ToUpperInvariant()).Items![0];
                CommandInfo? found = CommandTable.BuiltIn.Find(sub.Name.ToUpperInvariant());
                Assert.Same(sub, found);
                Assert.Equal(live.Items![0].Text, found!.Name);
                Assert.Equal(live.Items[1].Integer, found.Arity);
            }
        }
    }

    /// <summary>
    /// Redis emits subcommands in hash-table order, which changes between server runs; everything else is in a fixed
    /// order. Sort subcommand entries by name, recursively, and keep the rest as is.
    /// </summary>
    private static string Canonical(RespValue entry)
    {
        if (entry.Items is not { Count: 10 } items)
        {
            return Render(entry);
        }
        RespValue subcommands = items[9];
        string subs = string.Join(", ", subcommands.Items!.Select(Canonical).Order(StringComparer.Ordinal));
        return $"{entry.Type}[{string.Join(", ", items.Take(9).Select(Render))}] subcommands {subcommands.Type}[{subs}]";
    }

    /// <summary>A reply as text that keeps every type marker, so a RESP3 set or map never equals an array.</summary>
    private static string Render(RespValue value) => value.Items is { } items
        ? $"{value.Type}[{string.Join(", ", items.Select(Render))}]"
        : value.Type + (value.Type == ':' ? value.Integer.ToString(System.Globalization.CultureInfo.InvariantCulture) : value.Text);
}
