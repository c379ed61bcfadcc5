using Slotgate.Commands;

namespace Slotgate.Tests.Commands;

/// <summary>FindKeys behaviour that COMMAND GETKEYS cannot show: buffer sizing, not_key specs, malformed counts.</summary>
public sealed class KeyFinderTests
{
    [Fact]
    public void FindKeys_BufferTooSmall_ReturnsFullCountAndFillsBuffer()
    {
        RequestFrame frame = TestFrames.Create("MGET", "a", "b", "c", "d", "e");
        CommandInfo command = CommandTable.BuiltIn.Find(frame)!;

        Span<int> small = stackalloc int[2];
        int count = command.FindKeys(frame, small);

        Assert.Equal(5, count);
        Assert.Equal([1, 2], small.ToArray());
        Span<int> retry = stackalloc int[count];
        Assert.Equal(5, command.FindKeys(frame, retry));
        Assert.Equal([1, 2, 3, 4, 5], retry.ToArray());
    }

    [Fact]
    public void SingleKeyIndex_EveryCommandAndSubcommand_SameKeyAsFindKeys()
    {
        // The hot path's shortcut must name the key the key specs name, for every command that has one, and be 0
        // for every command whose keys it cannot describe (several keys, keywords, numkeys, special finders).
        var commands = new List<CommandInfo>();
        foreach (CommandInfo command in CommandTable.BuiltIn.Commands)
        {
            commands.Add(command);
            commands.AddRange(command.Subcommands.ToArray());
        }
        int shortcuts = 0;
        Span<int> keys = stackalloc int[16];
        foreach (CommandInfo command in commands)
        {
            string[] words = command.Name.Split('|');
            var args = new List<string>(words);
            while (args.Count < 8)
            {
                args.Add("arg" + args.Count);
            }
            RequestFrame frame = TestFrames.Create([.. args]);
            int count = command.FindKeys(frame, keys);
            if (command.SingleKeyIndex > 0)
            {
                shortcuts++;
                Assert.True(count == 1 && keys[0] == command.SingleKeyIndex, $"{command.Name}: FindKeys gives {count} keys");
            }
        }
        Assert.Contains(commands, c => c.Name == "get" && c.SingleKeyIndex == 1);
        Assert.Contains(commands, c => c.Name == "mget" && c.SingleKeyIndex == 0);
        Assert.Contains(commands, c => c.Name == "eval" && c.SingleKeyIndex == 0);
        Assert.True(shortcuts > 100, $"only {shortcuts} commands take the shortcut");
    }

    [Fact]
    public void FindKeys_EmptyBuffer_StillCountsKeys()
    {
        RequestFrame frame = TestFrames.Create("MSET", "a", "1", "b", "2");
        Assert.Equal(2, CommandTable.BuiltIn.Find(frame)!.FindKeys(frame, []));
    }

    [Theory]
    [InlineData("SPUBLISH ch msg", new[] { 1 })]
    [InlineData("SSUBSCRIBE a b", new[] { 1, 2 })]
    [InlineData("SUNSUBSCRIBE a", new[] { 1 })]
    public void FindKeys_ShardChannelsWithIncludeNotKeys_ReturnsChannels(string commandLine, int[] expected)
    {
        RequestFrame frame = TestFrames.Create(TestFrames.Split(commandLine));
        CommandInfo command = CommandTable.BuiltIn.Find(frame)!;
        Span<int> keys = stackalloc int[8];

        Assert.Equal(0, command.FindKeys(frame, keys));
        int count = command.FindKeys(frame, keys, includeNotKeys: true);
        Assert.Equal(expected, keys[..count].ToArray());
    }

    [Theory]
    [InlineData("EVAL s -1 a")]
    [InlineData("EVAL s 01 a")]
    [InlineData("EVAL s +1 a")]
    [InlineData("EVAL s 99999999999 a")]
    [InlineData("ZUNIONSTORE d 5 a b")]
    [InlineData("XREAD COUNT 1 STREAMS a")]
    public void FindKeys_CountContradictsArguments_ReturnsInvalid(string commandLine)
    {
        RequestFrame frame = TestFrames.Create(TestFrames.Split(commandLine));
        Span<int> keys = stackalloc int[8];
        Assert.Equal(KeyFinder.InvalidArguments, CommandTable.BuiltIn.Find(frame)!.FindKeys(frame, keys));
    }

    [Theory]
    [InlineData("EVAL s 0", new int[0])]
    [InlineData("ZUNIONSTORE d 0", new[] { 1 })]
    [InlineData("SORT k BY p STORE d", new[] { 1, 5 })]
    [InlineData("MIGRATE h 1 \"\" 0 10 KEYS a b", new[] { 7, 8 })]
    [InlineData("MIGRATE h 1 k 0 10", new[] { 3 })]
    [InlineData("XREADGROUP GROUP g c STREAMS a b > >", new[] { 5, 6 })]
    [InlineData("PING", new int[0])]
    public void FindKeys_Invocation_ReturnsKeyIndexes(string commandLine, int[] expected)
    {
        RequestFrame frame = TestFrames.Create(TestFrames.Split(commandLine));
        Span<int> keys = stackalloc int[8];
        int count = CommandTable.BuiltIn.Find(frame)!.FindKeys(frame, keys);
        Assert.Equal(expected, keys[..count].ToArray());
    }

    [Fact]
    public void SpecialKeyFinder_OnlyCommandsRedisCannotDescribe_AreHandWritten()
    {
        string[] special =
        [
            .. CommandTable.BuiltIn.Commands.ToArray()
                .Where(c => c.SpecialKeyFinder != SpecialKeyFinder.None)
                .Select(c => c.Name),
        ];
        Assert.Equal(["migrate", "sort"], special);
    }
}
