using Slotgate.Commands;

namespace Slotgate.Tests.Commands;

public sealed class LocalCommandIdTests
{
    [Fact]
    public void Local_BuiltInTable_IdByName()
    {
        (string Name, LocalCommand Id)[] expected =
        [
            ("ping", LocalCommand.Ping), ("reset", LocalCommand.Reset), ("hello", LocalCommand.Hello), ("acl|dryrun", LocalCommand.AclDryRun),
            ("client|setname", LocalCommand.ClientSetName), ("client|info", LocalCommand.ClientInfoLine), ("command", LocalCommand.Command),
            ("command|getkeysandflags", LocalCommand.CommandGetKeysAndFlags), ("cluster|keyslot", LocalCommand.ClusterKeySlot),
            ("slowlog|get", LocalCommand.SlowLogGet), ("pubsub|numpat", LocalCommand.PubSubNumPat),
        ];

        foreach ((string name, LocalCommand id) in expected)
        {
            LocalCommand? actual = CommandTable.BuiltIn.Find(name)?.Local;
            Assert.True(actual == id, $"{name}: expected {id}, got {actual}");
        }
    }

    [Theory]
    [InlineData("get")]
    [InlineData("client|pause")]
    [InlineData("config|set")]
    [InlineData("config|get")]
    [InlineData("cluster|countkeysinslot")]
    public void Local_CommandSlotgateDoesNotAnswer_None(string name)
    {
        Assert.Equal(LocalCommand.None, CommandTable.BuiltIn.Find(name)?.Local);
    }

    [Fact]
    public void Local_FrameOfAnyCase_FindsCommandWithItsId()
    {
        var frame = new RequestFrame();
        frame.Set("Client", "SETNAME", "worker");

        Assert.Equal(LocalCommand.ClientSetName, CommandTable.BuiltIn.Find(frame)?.Local);
    }

    [Fact]
    public void Local_EveryId_NamedByExactlyOneBuiltInCommand()
    {
        CommandTable table = ProxyCommandAdditions.AddTo(CommandTable.BuiltIn);
        var seen = new Dictionary<LocalCommand, string>();
        foreach (CommandInfo command in table.Commands)
        {
            foreach (CommandInfo each in (ReadOnlySpan<CommandInfo>)[command, .. command.Subcommands])
            {
                if (each.Local != LocalCommand.None)
                {
                    Assert.True(seen.TryAdd(each.Local, each.Name), $"{each.Local} is given to both {seen.GetValueOrDefault(each.Local)} and {each.Name}");
                }
            }
        }

        LocalCommand[] missing = [.. Enum.GetValues<LocalCommand>().Where(id => id != LocalCommand.None && !seen.ContainsKey(id))];
        Assert.Empty(missing);
    }

    [Fact]
    public void Local_CommandAddedToTable_GetsItsIdByName()
    {
        // A backend's COMMAND INFO entry, or any other source, builds the same id as the built-in table.
        RespValue entry = RespValue.Parse(System.Text.Encoding.ASCII.GetBytes(
            "*10\r\n$4\r\nECHO\r\n:2\r\n*2\r\n+loading\r\n+fast\r\n:0\r\n:0\r\n:0\r\n*0\r\n*0\r\n*0\r\n*0\r\n"));
        CommandInfo learned = Assert.IsType<CommandInfo>(BackendCommands.FromInfoReply(entry));

        CommandTable table = CommandTable.BuiltIn.With([learned]);

        Assert.NotSame(CommandTable.BuiltIn.Find("echo"), table.Find("echo"));
        Assert.Equal(LocalCommand.Echo, table.Find("echo")?.Local);
        Assert.Equal(LocalCommand.ClientSetInfo, ProxyCommandAdditions.AddTo(CommandTable.BuiltIn).Find("client|setinfo")?.Local);
    }
}
