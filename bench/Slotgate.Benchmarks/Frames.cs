using System.Buffers;
using System.Text;
using Slotgate.Protocol;
using Slotgate.Tests.Protocol;

namespace Slotgate.Benchmarks;

/// <summary>Builds the commands and buffers the benchmarks feed to Slotgate, encoded by Slotgate's own frame writer.</summary>
internal static class Frames
{
    public static RequestFrame Create(params string[] args)
    {
        var frame = new RequestFrame();
        frame.Begin(args.Length);
        foreach (string arg in args)
        {
            frame.AppendArg(Encoding.UTF8.GetBytes(arg));
        }
        return frame;
    }

    public static byte[] Encode(params string[] args) => Create(args).Bytes.ToArray();

    /// <summary>
    /// <paramref name="count"/> commands alternating SET and GET on distinct keys, as a client pipeline sends them.
    /// </summary>
    public static byte[] SetGetPipeline(int count, int valueLength)
    {
        string value = new('v', valueLength);
        var bytes = new List<byte>();
        for (int i = 0; i < count; i++)
        {
            string key = "key:" + (i * 7919 % 100_000).ToString(System.Globalization.CultureInfo.InvariantCulture);
            bytes.AddRange(i % 2 == 0 ? Encode("SET", key, value) : Encode("GET", key));
        }
        return [.. bytes];
    }

    /// <summary>
    /// The same bytes cut into <paramref name="segmentSize"/>-byte segments, the shape a pipe hands over when a
    /// pipeline spans its pool blocks (Kestrel's are 4 KiB).
    /// </summary>
    public static ReadOnlySequence<byte> Segmented(byte[] data, int segmentSize)
    {
        var first = new TestSegment(data.AsMemory(0, Math.Min(segmentSize, data.Length)), null);
        TestSegment last = first;
        for (int offset = segmentSize; offset < data.Length; offset += segmentSize)
        {
            last = new TestSegment(data.AsMemory(offset, Math.Min(segmentSize, data.Length - offset)), last);
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }
}
