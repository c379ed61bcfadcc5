using Slotgate.Commands;
using Slotgate.Protocol;

namespace Slotgate.Tests.Commands;

public sealed class LocalCommandIdTests
{
    [Theory]
    [InlineData("ping", "Ping")]
    [InlineData("reset", "Reset")]
    [InlineData("hello", "Hello")]
    [InlineData("acl|dryrun", "AclDryRun")]
    [InlineData("client|setname", "ClientSetName")]
    [InlineData("client|info", "ClientInfoLine")]
    [InlineData("command", "Command")]
    [InlineData("command|getkeysandflags", "CommandGetKeysAndFlags")]
    [InlineData("cluster|keyslot", "ClusterKeySlot")]
    [InlineData("slowlog|get", "SlowLogGet")]
    [InlineData("config|get", "ConfigGet")]
    [InlineData("pubsub|numpat", "PubSubNumPat")]
    [InlineData("get", "None")]
    [InlineData("client|pause", "None")]
    [InlineData("config|set", "None")]
    [InlineData("cluster|countkeysinslot", "None")]
    public void Local_BuiltInTable_IdByName(string name, string expected)
    {
        CommandInfo command = Assert.IsType<CommandInfo>(CommandTable.BuiltIn.Find(name));

        Assert.Equal(Enum.Parse<LocalCommand>(expected), command.Local);
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

        LocalCommand[] missing = [.. Enum.GetValues<LocalCommand>().Where(id => id != LocalCommand.None && !seen.ContainsKey(id)).Distinct()];
        Assert.Empty(missing);
    }

    [Fact]
    public void Local_FamilyRanges_CoverEveryIdOnce()
    {
        (LocalCommand First, LocalCommand Last)[] families =
        [
            (LocalCommand.FirstConnection, LocalCommand.LastConnection),
            (LocalCommand.FirstAccess, LocalCommand.LastAccess),
            (LocalCommand.FirstClient, LocalCommand.LastClient),
            (LocalCommand.FirstCommand, LocalCommand.LastCommand),
            (LocalCommand.FirstCluster, LocalCommand.LastCluster),
            (LocalCommand.FirstServer, LocalCommand.LastServer),
        ];

        foreach (LocalCommand id in Enum.GetValues<LocalCommand>().Where(id => id != LocalCommand.None))
        {
            Assert.Single(families, family => id >= family.First && id <= family.Last);
        }
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
