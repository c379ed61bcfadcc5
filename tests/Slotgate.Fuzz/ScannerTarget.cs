using System.Buffers;
using Slotgate.Protocol;

namespace Slotgate.Fuzz;

/// <summary>
/// Fuzz target 2: <see cref="RespScanner"/>, which frames backend replies (RESP2 and RESP3). Same invariants as the
/// request parser: only <see cref="RespProtocolException"/>, progress or "need more" with the reader untouched, and
/// the same value boundaries whether the stream is scanned whole, resumed across random reads, one byte per read, or
/// as one byte per segment without resume state.
/// </summary>
internal sealed class ScannerTarget
{
    private const string Name = "scanner";

    public static ScannerTarget Create() => new();

    public void RunOne(Random random)
    {
        var ends = new List<int>();
        byte[] input = ReplyGenerator.Generate(random, maxValues: 4, ends);
        bool mutated = random.Next(8) != 0;
        if (mutated)
        {
            input = Mutator.Mutate(random, input, 1 + random.Next(random.Next(4) == 0 ? 12 : 3));
        }
        Check(input, mutated ? null : ends, random);
    }

    public void Check(byte[] input, List<int>? ends, Random random)
    {
        ParseOutcome whole = Scan(input, [], resume: false);
        Compare(input, whole, Scan(input, FuzzSegments.RandomCuts(random, input.Length, 8), resume: true), "random cuts, resumed");
        if (input.Length <= 96)
        {
            Compare(input, whole, Scan(input, FuzzSegments.EveryByte(input.Length), resume: true), "one byte per read, resumed");
            Compare(input, whole, ScanSegmented(input), "one byte per segment");
        }
        if (ends is not null)
        {
            var reference = new ParseOutcome();
            int start = 0;
            foreach (int end in ends)
            {
                reference.Items.Add(BitConverter.GetBytes(end - start));
                start = end;
            }
            Compare(input, reference, whole, "generated values");
        }
    }

    private static void Compare(byte[] input, ParseOutcome expected, ParseOutcome actual, string shape)
    {
        if (!expected.SameAs(actual))
        {
            throw new FuzzFailure(Name, $"{shape} gave {actual}, whole input gave {expected}", input);
        }
    }

    private static ParseOutcome Scan(byte[] input, int[] cuts, bool resume) => ParseOutcome.Run(Name, input, outcome =>
    {
        int consumed = 0;
        RespScanState state = default;
        foreach (int received in cuts.Append(input.Length))
        {
            var reader = new SequenceReader<byte>(FuzzSegments.Chain(input, consumed, received, cuts));
            ScanAvailable(input, ref reader, ref state, resume, outcome);
            consumed += (int)reader.Consumed;
        }
        outcome.Leftover = input.Length - consumed;
    });

    /// <summary>The whole input as one byte per segment, scanned without resume state (every header crosses segments).</summary>
    private static ParseOutcome ScanSegmented(byte[] input) => ParseOutcome.Run(Name, input, outcome =>
    {
        var reader = new SequenceReader<byte>(FuzzSegments.Chain(input, 0, input.Length, FuzzSegments.EveryByte(input.Length)));
        RespScanState state = default;
        ScanAvailable(input, ref reader, ref state, resume: false, outcome);
        outcome.Leftover = input.Length - reader.Consumed;
    });

    /// <summary>Skips every complete value in the reader; on "need more" leaves it at the start of the incomplete one.</summary>
    private static void ScanAvailable(byte[] input, ref SequenceReader<byte> reader, ref RespScanState state, bool resume, ParseOutcome outcome)
    {
        for (int guard = 0; ; guard++)
        {
            if (guard > input.Length + 1)
            {
                throw new FuzzFailure(Name, "scanner returned true without consuming", input);
            }
            long before = reader.Consumed;
            bool complete = resume ? RespScanner.TrySkipValue(ref reader, ref state) : RespScanner.TrySkipValue(ref reader);
            long length = reader.Consumed - before;
            if (!complete)
            {
                if (length != 0)
                {
                    throw new FuzzFailure(Name, $"incomplete value moved the reader by {length} bytes", input);
                }
                return;
            }
            if (length <= 0)
            {
                throw new FuzzFailure(Name, "complete value of zero bytes", input);
            }
            outcome.Items.Add(BitConverter.GetBytes((int)length));
        }
    }
}
