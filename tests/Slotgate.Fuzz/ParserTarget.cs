using System.Buffers;
using Slotgate.Protocol;

namespace Slotgate.Fuzz;

/// <summary>
/// Fuzz target 1: <see cref="RequestParser"/>. For each input it checks that the parser throws nothing but
/// <see cref="RespProtocolException"/>, always makes progress or asks for more, never consumes bytes it was not given,
/// produces canonical frames, and parses the same commands (and fails with the same error) whatever the read
/// boundaries: whole, at random cuts, split in two at every offset, and one byte per read.
/// </summary>
internal sealed class ParserTarget
{
    private const string Name = "parser";

    // Small limits put every limit check within reach of short inputs.
    private static readonly RespLimits Small = new() { MaxBulkLength = 64, MaxArguments = 8, MaxInlineLength = 32 };

    private readonly RequestFrame _frame = new();

    public static ParserTarget Create() => new();

    public void RunOne(Random random)
    {
        var expected = new List<byte[][]>();
        byte[] input = RequestGenerator.Generate(random, maxCommands: 5, maxArgLength: 300, expected);
        bool mutated = random.Next(8) != 0;
        if (mutated)
        {
            input = Mutator.Mutate(random, input, 1 + random.Next(random.Next(4) == 0 ? 12 : 3));
        }
        RespLimits limits = random.Next(4) == 0 ? Small : RespLimits.Default;
        Check(input, limits, mutated ? null : expected, random);
    }

    /// <summary>Runs every invariant on one input; throws <see cref="FuzzFailure"/> on the first one broken.</summary>
    public void Check(byte[] input, RespLimits limits, List<byte[][]>? expected, Random random)
    {
        ParseOutcome whole = Parse(input, limits, [], canonical: true);
        Compare(input, whole, Parse(input, limits, FuzzSegments.RandomCuts(random, input.Length, 8), canonical: false), "random cuts");
        if (input.Length <= 64)
        {
            Compare(input, whole, Parse(input, limits, FuzzSegments.EveryByte(input.Length), canonical: false), "one byte per read");
        }
        if (input.Length <= 40)
        {
            for (int offset = 1; offset < input.Length; offset++)
            {
                Compare(input, whole, Parse(input, limits, [offset], canonical: false), $"split at {offset}");
            }
        }
        if (expected is not null && ReferenceEquals(limits, RespLimits.Default))
        {
            var reference = new ParseOutcome();
            reference.Items.AddRange(expected.Select(RequestGenerator.EncodeMultibulk));
            Compare(input, reference, whole, "generated commands");
        }
    }

    private static void Compare(byte[] input, ParseOutcome expected, ParseOutcome actual, string shape)
    {
        if (!expected.SameAs(actual))
        {
            throw new FuzzFailure(Name, $"{shape} gave {actual}, whole input gave {expected}", input);
        }
    }

    /// <summary>Feeds the input as a pipe would, in reads ending at <paramref name="cuts"/>, with one parser throughout.</summary>
    private ParseOutcome Parse(byte[] input, RespLimits limits, int[] cuts, bool canonical) => ParseOutcome.Run(Name, input, outcome =>
    {
        var parser = new RequestParser(limits);
        int consumed = 0;
        foreach (int received in cuts.Append(input.Length))
        {
            ReadOnlySequence<byte> buffer = FuzzSegments.Chain(input, consumed, received, cuts);
            // Each successful parse consumes at least one byte, so more iterations than bytes means a loop.
            for (int guard = 0; ; guard++)
            {
                if (guard > input.Length + 1)
                {
                    throw new FuzzFailure(Name, "parser returned true without consuming", input);
                }
                long before = buffer.Length;
                bool parsed = parser.TryParse(ref buffer, _frame);
                long after = buffer.Length;
                if (after > before || (parsed && after == before))
                {
                    throw new FuzzFailure(Name, $"buffer went from {before} to {after} bytes (parsed: {parsed})", input);
                }
                consumed += (int)(before - after);
                if (!parsed)
                {
                    break;
                }
                outcome.Items.Add(_frame.Bytes.ToArray());
                if (canonical)
                {
                    CheckCanonical(input);
                }
            }
        }
        outcome.Leftover = input.Length - consumed;
    });

    /// <summary>A frame is forwarded verbatim, so its bytes must be exactly the canonical encoding of its arguments.</summary>
    private void CheckCanonical(byte[] input)
    {
        var args = new byte[_frame.ArgCount][];
        for (int i = 0; i < args.Length; i++)
        {
            args[i] = _frame.Arg(i).ToArray();
        }
        if (args.Length == 0 || !_frame.Bytes.SequenceEqual(RequestGenerator.EncodeMultibulk(args)))
        {
            throw new FuzzFailure(Name, "frame bytes are not the canonical encoding of its arguments", input);
        }
    }
}
