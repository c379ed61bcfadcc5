using System.Buffers;
using Slotgate.Fuzz;

namespace Slotgate.Tests.Protocol;

/// <summary>Builds multi-segment sequences: whole, split in two at every offset, and one byte per segment.</summary>
internal static class Sequences
{
    public static byte[] Bytes(string text) => Encoding.Latin1.GetBytes(text);

    public static string Text(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    public static string Text(in ReadOnlySequence<byte> bytes) => Encoding.Latin1.GetString(bytes.ToArray());

    public static ReadOnlySequence<byte> FromSegments(params byte[][] parts)
    {
        byte[] data = [.. parts.SelectMany(p => p)];
        int[] cuts = [.. parts.Select(p => p.Length).Select((_, i) => parts.Take(i + 1).Sum(p => p.Length))];
        return FuzzSegments.Chain(data, 0, data.Length, cuts);
    }

    public static ReadOnlySequence<byte> SplitAt(byte[] data, int offset) =>
        FromSegments(data[..offset], data[offset..]);

    public static ReadOnlySequence<byte> OneBytePerSegment(byte[] data) =>
        FromSegments(data.Select(b => new[] { b }).ToArray());

    /// <summary>The same bytes in every shape the tests care about, each with a name for failure messages.</summary>
    public static IEnumerable<(string Shape, ReadOnlySequence<byte> Sequence)> AllShapes(byte[] data)
    {
        yield return ("whole", new ReadOnlySequence<byte>(data));
        for (int i = 0; i <= data.Length; i++)
        {
            yield return ($"split at {i}", SplitAt(data, i));
        }
        yield return ("one byte per segment", OneBytePerSegment(data));
    }
}
