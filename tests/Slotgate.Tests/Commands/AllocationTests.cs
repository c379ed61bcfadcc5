using Slotgate.Commands;

namespace Slotgate.Tests.Commands;

/// <summary>Lookup and key finding run for every proxied command, so they must not allocate.</summary>
public sealed class AllocationTests
{
    [Fact]
    public void FindAndFindKeys_ManyCalls_AllocateNothing()
    {
        RequestFrame[] frames =
        [
            TestFrames.Create("get", "k"),
            TestFrames.Create("MSET", "a", "1", "b", "2"),
            TestFrames.Create("EVAL", "s", "2", "a", "b", "x"),
            TestFrames.Create("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s1", "s2", ">", ">"),
            TestFrames.Create("object", "encoding", "k"),
            TestFrames.Create("SORT", "k", "BY", "p", "STORE", "d"),
            TestFrames.Create("MIGRATE", "h", "1", "", "0", "10", "KEYS", "a", "b"),
            TestFrames.Create("GEORADIUS", "k", "0", "0", "1", "m", "STORE", "d"),
            TestFrames.Create("nosuchcommand", "k"),
            TestFrames.Create("SPUBLISH", "ch", "m"),
        ];
        CommandTable table = CommandTable.BuiltIn;
        int total = Run(table, frames, 100);

        long before = GC.GetAllocatedBytesForCurrentThread();
        total += Run(table, frames, 10_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(total > 0);
    }

    private static int Run(CommandTable table, RequestFrame[] frames, int iterations)
    {
        Span<int> keys = stackalloc int[16];
        int total = 0;
        for (int i = 0; i < iterations; i++)
        {
            foreach (RequestFrame frame in frames)
            {
                CommandInfo? command = table.Find(frame);
                if (command is not null)
                {
                    total += command.FindKeys(frame, keys, includeNotKeys: true);
                    total += command.HasValidArity(frame.ArgCount) ? 1 : 0;
                }
            }
        }
        return total;
    }
}
