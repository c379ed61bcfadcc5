using Slotgate.Commands;

namespace Slotgate.Tests.Commands;

public sealed class CommandTableTests
{
    [Theory]
    [InlineData("get")]
    [InlineData("GET")]
    [InlineData("gEt")]
    public void Find_AnyCase_ReturnsSameCommand(string name)
    {
        CommandInfo? command = CommandTable.BuiltIn.Find(TestFrames.Create(name, "k"));
        Assert.NotNull(command);
        Assert.Equal("get", command.Name);
        Assert.Same(command, CommandTable.BuiltIn.Find(Encoding.ASCII.GetBytes(name)));
        Assert.Same(command, CommandTable.BuiltIn.Find(name));
    }

    [Theory]
    [InlineData("nosuchcommand")]
    [InlineData("")]
    [InlineData("GETT")]
    [InlineData("GE")]
    [InlineData("\u00e9get")]
    public void Find_UnknownName_ReturnsNull(string name)
    {
        Assert.Null(CommandTable.BuiltIn.Find(TestFrames.Create(name)));
        Assert.Null(CommandTable.BuiltIn.Find(Encoding.UTF8.GetBytes(name)));
    }

    [Fact]
    public void Find_NameLongerThanAnyCommand_ReturnsNull() =>
        Assert.Null(CommandTable.BuiltIn.Find(TestFrames.Create(new string('x', 1000))));

    [Fact]
    public void Find_EmptyFrame_ReturnsNull() => Assert.Null(CommandTable.BuiltIn.Find(new RequestFrame()));

    [Theory]
    [InlineData("CLIENT SETNAME n", "client|setname")]
    [InlineData("client setname n", "client|setname")]
    [InlineData("CONFIG GET x", "config|get")]
    [InlineData("OBJECT ENCODING k", "object|encoding")]
    [InlineData("xinfo STREAM s", "xinfo|stream")]
    [InlineData("MEMORY usage k", "memory|usage")]
    [InlineData("XGROUP CREATE s g $", "xgroup|create")]
    [InlineData("CLUSTER SHARDS", "cluster|shards")]
    public void Find_ContainerCommand_ResolvesSubcommand(string commandLine, string expected) =>
        Assert.Equal(expected, CommandTable.BuiltIn.Find(TestFrames.Create(TestFrames.Split(commandLine)))?.Name);

    [Theory]
    [InlineData("CLIENT NOSUCH")]
    [InlineData("CLIENT")]
    public void Find_ContainerWithoutKnownSubcommand_ReturnsContainer(string commandLine)
    {
        CommandInfo? command = CommandTable.BuiltIn.Find(TestFrames.Create(TestFrames.Split(commandLine)));
        Assert.NotNull(command);
        Assert.Equal("client", command.Name);
        Assert.True(command.HasSubcommands);
    }

    [Theory]
    [InlineData("client|setname", "client|setname")]
    [InlineData("CLIENT|SETNAME", "client|setname")]
    [InlineData("client|nosuch", null)]
    [InlineData("nosuch|setname", null)]
    public void Find_FullSubcommandName_ResolvesLikeCommandInfo(string name, string? expected)
    {
        Assert.Equal(expected, CommandTable.BuiltIn.Find(Encoding.ASCII.GetBytes(name))?.Name);
        Assert.Equal(expected, CommandTable.BuiltIn.Find(name)?.Name);
    }

    [Theory]
    [InlineData("get", 2, true)]
    [InlineData("get", 1, false)]
    [InlineData("get", 3, false)]
    [InlineData("mset", 3, true)]
    [InlineData("mset", 5, true)]
    [InlineData("mset", 2, false)]
    [InlineData("ping", 1, true)]
    [InlineData("ping", 2, true)]
    [InlineData("client|setname", 3, true)]
    [InlineData("client|setname", 2, false)]
    public void HasValidArity_ArgumentCount_FollowsRedisArity(string name, int argCount, bool expected) =>
        Assert.Equal(expected, CommandTable.BuiltIn.Find(name)!.HasValidArity(argCount));

    [Theory]
    [InlineData("multi", (ulong)(CommandFlags.Transaction))]
    [InlineData("exec", (ulong)(CommandFlags.Transaction))]
    [InlineData("watch", (ulong)(CommandFlags.Transaction))]
    [InlineData("subscribe", (ulong)(CommandFlags.Subscription))]
    [InlineData("ssubscribe", (ulong)(CommandFlags.Subscription))]
    [InlineData("punsubscribe", (ulong)(CommandFlags.Subscription))]
    [InlineData("blpop", (ulong)(CommandFlags.MayBlock))]
    [InlineData("xread", (ulong)(CommandFlags.MayBlock))]
    [InlineData("xreadgroup", (ulong)(CommandFlags.MayBlock))]
    [InlineData("wait", (ulong)(CommandFlags.MayBlock))]
    [InlineData("get", (ulong)(CommandFlags.ReadOnly | CommandFlags.Fast))]
    public void Flags_KnownCommand_CarriesClassification(string name, ulong expected) =>
        Assert.Equal((CommandFlags)expected, CommandTable.BuiltIn.Find(name)!.Flags & (CommandFlags)expected);

    [Theory]
    [InlineData("get")]
    [InlineData("publish")]
    [InlineData("set")]
    public void Flags_OrdinaryCommand_HasNoSlotgateBits(string name) =>
        Assert.Equal(CommandFlags.None, CommandTable.BuiltIn.Find(name)!.Flags & ~CommandFlags.RedisMask);

    [Fact]
    public void Commands_BuiltIn_SortedAndCounted()
    {
        CommandInfo[] commands = CommandTable.BuiltIn.Commands.ToArray();
        Assert.Equal(CommandTable.BuiltIn.Count, commands.Length);
        Assert.Equal(commands.Select(c => c.Name).Order(StringComparer.Ordinal), commands.Select(c => c.Name));
        Assert.True(commands.Length >= 240);
    }

    [Fact]
    public void With_ModuleCommand_AddsItAndLeavesOriginalUnchanged()
    {
        var module = new CommandInfo(
            "json.get", -2, CommandFlags.ReadOnly | CommandFlags.Module, 1, 1, 1, AclCategories.Read, [],
            [new KeySpec(KeySpecFlags.RO | KeySpecFlags.Access, BeginSearch.AtIndex(1), FindKeysRule.Range(0, 1, 0))],
            []);

        CommandTable extended = CommandTable.BuiltIn.With([module]);

        Assert.Same(module, extended.Find(TestFrames.Create("JSON.GET", "doc", "$")));
        Assert.Null(CommandTable.BuiltIn.Find("json.get"));
        Assert.Equal(CommandTable.BuiltIn.Count + 1, extended.Count);
        Span<int> keys = stackalloc int[4];
        Assert.Equal(1, module.FindKeys(TestFrames.Create("JSON.GET", "doc", "$"), keys));
        Assert.Equal(1, keys[0]);
    }

    [Fact]
    public void With_SameName_ReplacesBuiltIn()
    {
        var replacement = new CommandInfo("get", -2, CommandFlags.ReadOnly, 1, 1, 1, AclCategories.Read, [], [], []);
        CommandTable extended = CommandTable.BuiltIn.With([replacement]);
        Assert.Same(replacement, extended.Find("GET"));
        Assert.Equal(CommandTable.BuiltIn.Count, extended.Count);
    }
}
