using System.Buffers;
using Slotgate.Tests.Protocol;

namespace Slotgate.Fuzz;

/// <summary>
/// Read boundaries and multi-segment buffers: how bytes arrive from a socket, chosen at random or exhaustively. Public:
/// the parser tests build their multi-segment buffers with it too.
/// </summary>
public static class FuzzSegments
{
    /// <summary>Up to <paramref name="maxCuts"/> distinct cut points strictly inside <paramref name="length"/>, sorted.</summary>
    public static int[] RandomCuts(Random random, int length, int maxCuts)
    {
        if (length < 2)
        {
            return [];
        }
        int count = 1 + random.Next(maxCuts);
        var cuts = new SortedSet<int>();
        for (int i = 0; i < count; i++)
        {
            cuts.Add(1 + random.Next(length - 1));
        }
        return [.. cuts];
    }

    /// <summary>Every offset as a cut: one byte per read, the slowloris shape.</summary>
    public static int[] EveryByte(int length) => length < 2 ? [] : [.. Enumerable.Range(1, length - 1)];

    /// <summary>
    /// The bytes <c>data[from..to]</c> as a chain of segments split at the given cuts, as a pipe holding several
    /// unconsumed reads presents them.
    /// </summary>
    public static ReadOnlySequence<byte> Chain(byte[] data, int from, int to, int[] cuts)
    {
        TestSegment? first = null;
        TestSegment? last = null;
        int start = from;
        foreach (int cut in cuts.Where(c => c > from && c < to).Append(to))
        {
            var segment = new TestSegment(data.AsMemory(start, cut - start), last);
            first ??= segment;
            last = segment;
            start = cut;
        }
        return first is null || to == from ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }
}
