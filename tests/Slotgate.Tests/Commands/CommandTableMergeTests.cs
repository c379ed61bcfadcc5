using Slotgate.Commands;

namespace Slotgate.Tests.Commands;

public class CommandTableMergeTests
{
    private static readonly CommandTable Seed = ProxyCommandAdditions.AddTo(CommandTable.BuiltIn);

    [Fact]
    public void Merge_NodeReportsTheSameDefinitions_CurrentTableItself()
    {
        CommandInfo[] learned = [.. CommandTable.BuiltIn.Commands.ToArray().Select(Copy)];

        CommandTable merged = CommandTableMerge.Merge(Seed, learned, docs: null, Seed);

        Assert.Same(Seed, merged);
    }

    [Fact]
    public void Merge_OneChangedCommand_OnlyItIsANewInstance()
    {
        CommandInfo get = Seed.Find("get")!;
        var newer = new CommandInfo("get", -2, get.Flags, 1, 1, 1, get.AclCategories, [], get.KeySpecs.ToArray(), []);

        CommandTable merged = CommandTableMerge.Merge(Seed, [newer, Copy(Seed.Find("set")!)], docs: null, Seed);

        Assert.Same(newer, merged.Find("get"));
        Assert.Same(Seed.Find("set"), merged.Find("set"));
        Assert.Same(Seed.Find("hset"), merged.Find("hset")); // not reported: the seed's stays
        Assert.Equal(Seed.Count, merged.Count);
    }

    [Fact]
    public void Merge_ContainerLackingSlotgatesSubcommands_KeepsThem()
    {
        // A Redis 7.0 node's CLIENT has no SETINFO: Slotgate answers it itself and keeps it.
        CommandInfo client = Copy(CommandTable.BuiltIn.Find("client")!);

        CommandTable merged = CommandTableMerge.Merge(Seed, [client], docs: null, Seed);

        Assert.Same(Seed.Find("client|setinfo"), merged.Find("client|setinfo"));
        Assert.Same(Seed.Find("client|list"), merged.Find("client|list"));
        Assert.Equal(LocalCommand.ClientSetInfo, merged.Find("client|setinfo")!.Local);
    }

    [Fact]
    public void Merge_NewCommand_AddedWithItsKeySpec()
    {
        CommandInfo hexpire = CommandInfoReaderTests.Read(CommandInfoReaderTests.Entry("HEXPIRE", -6, ["write", "fast"], 1, 1, 1, ["@write", "@hash", "@fast"], [],
            [CommandInfoReaderTests.Spec(["RW", "update"], CommandInfoReaderTests.Index(1), CommandInfoReaderTests.Range(0, 1, 0))]));

        CommandTable merged = CommandTableMerge.Merge(Seed, [hexpire], CommandDocs.Empty, Seed);

        Assert.Equal(Seed.Count + 1, merged.Count);
        Assert.Equal(1, merged.Find("HEXPIRE"u8)!.SingleKeyIndex);
        Assert.NotSame(Seed, merged);
    }

    [Fact]
    public void Replace_LiveTable_ReadersSeeTheNewContentsAndChangedIsRaised()
    {
        CommandTable live = CommandTable.Create(Seed.Commands.ToArray(), CommandDocs.Empty);
        CommandTable? changed = null;
        live.Changed += t => changed = t;
        CommandTable learned = live.With([new CommandInfo("newcmd", 2, CommandFlags.ReadOnly, 1, 1, 1, AclCategories.Read, [], [], [])]);

        live.Replace(learned);

        Assert.Same(live, changed);
        Assert.NotNull(live.Find("newcmd"u8));
        Assert.Equal(1, live.Generation);
        Assert.Equal(Seed.Count + 1, live.Count);
    }

    [Fact]
    public void Replace_BuiltIn_Refused() =>
        Assert.Throws<InvalidOperationException>(() => CommandTable.BuiltIn.Replace(Seed));

    [Fact]
    public void SlotgateDocs_EveryCommandAndSubcommand_HasAnEntry()
    {
        CommandTable table = SlotgateDocs.Complete(Seed);

        foreach (CommandInfo command in table.Commands)
        {
            Assert.NotNull(table.Docs.Find(command.Name));
            foreach (CommandInfo sub in command.Subcommands)
            {
                Assert.NotNull(table.Docs.Find(sub.Name));
            }
        }
        RespValue doc = RespValue.Parse(table.Docs.Find("client|setinfo")!);
        Assert.Equal(["summary", "group"], doc.ItemsOrEmpty.Where((_, i) => i % 2 == 0).Select(i => i.Text));
        Assert.Equal("connection", doc.ItemsOrEmpty[3].Text);
    }

    /// <summary>A new instance with the same definition (what parsing a node's reply gives).</summary>
    private static CommandInfo Copy(CommandInfo command) =>
        new(command.Name, command.Arity, command.Flags, command.FirstKey, command.LastKey, command.KeyStep, command.AclCategories,
            [.. command.Tips], [.. command.KeySpecs.ToArray()], [.. command.Subcommands.ToArray().Select(Copy)]);
}
