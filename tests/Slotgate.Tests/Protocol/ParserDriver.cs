using System.Buffers;
using Slotgate.Fuzz;

namespace Slotgate.Tests.Protocol;

/// <summary>Runs a <see cref="RequestParser"/> the way a connection would, and renders frames for comparison.</summary>
internal static class ParserDriver
{
    /// <summary>Canonical multibulk encoding of <paramref name="args"/>.</summary>
    public static string Encode(params string[] args)
    {
        var builder = new StringBuilder().Append('*').Append(args.Length).Append("\r\n");
        foreach (string arg in args)
        {
            builder.Append('$').Append(Sequences.Bytes(arg).Length).Append("\r\n").Append(arg).Append("\r\n");
        }
        return builder.ToString();
    }

    /// <summary>A frame as text: its arguments (read through <see cref="RequestFrame.Arg"/>) and its encoding.</summary>
    public static string Render(RequestFrame frame)
    {
        var args = new string[frame.ArgCount];
        for (int i = 0; i < args.Length; i++)
        {
            args[i] = Sequences.Text(frame.Arg(i));
        }
        string encoded = Sequences.Text(frame.Bytes);
        Assert.Equal(Encode(args), encoded);
        return string.Join(" | ", args);
    }

    /// <summary>Parses every complete command in <paramref name="buffer"/>; returns them and leaves the rest in the buffer.</summary>
    public static List<string> ParseAll(ref ReadOnlySequence<byte> buffer, RequestParser parser)
    {
        var frame = new RequestFrame();
        var commands = new List<string>();
        while (parser.TryParse(ref buffer, frame))
        {
            commands.Add(Render(frame));
        }
        return commands;
    }

    /// <summary>
    /// Simulates a pipe: <paramref name="data"/> arrives in reads of <paramref name="readSize"/> bytes (or at the
    /// given cut points); unconsumed bytes stay buffered as separate segments, and the same parser is called after
    /// every read with the buffer starting where it last stopped consuming.
    /// </summary>
    public static List<string> ParseIncrementally(byte[] data, RequestParser parser, IReadOnlyList<int> cuts)
    {
        var frame = new RequestFrame();
        var commands = new List<string>();
        int consumed = 0;
        var boundaries = cuts.Where(c => c > 0 && c < data.Length).Append(data.Length).Distinct().Order().ToList();
        foreach (int received in boundaries)
        {
            ReadOnlySequence<byte> buffer = FuzzSegments.Chain(data, consumed, received, [.. boundaries]);
            while (true)
            {
                long before = buffer.Length;
                bool parsed = parser.TryParse(ref buffer, frame);
                consumed += (int)(before - buffer.Length);
                if (!parsed)
                {
                    break;
                }
                commands.Add(Render(frame));
            }
        }
        Assert.Equal(data.Length, consumed);
        return commands;
    }

    public static List<string> ParseInReadsOf(byte[] data, RequestParser parser, int readSize) =>
        ParseIncrementally(data, parser, Enumerable.Range(1, data.Length / readSize + 1).Select(i => i * readSize).ToList());

}
