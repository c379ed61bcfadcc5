using Slotgate.Protocol;

namespace Slotgate.Fuzz;

/// <summary>
/// Coverage-guided mode: AFL++ runs this process (through SharpFuzz's fork server) and feeds it one input per run;
/// an invariant broken throws <see cref="FuzzFailure"/>, which SharpFuzz reports to AFL++ as a crash. The same checks
/// as the generator-driven campaigns, minus the comparison with generated input, which AFL++'s inputs do not have.
/// </summary>
internal static class AflEntry
{
    public static void Run(string target)
    {
        if (target is not ("parser" or "scanner"))
        {
            throw new ArgumentException($"AFL++ mode supports parser and scanner, not '{target}'", nameof(target));
        }
        // Nothing from the instrumented slotgate.dll may run before SharpFuzz has set up the coverage map (its
        // instrumentation writes there, and the process dies otherwise), so the target is created on the first input.
        Action<byte[]>? check = null;
        SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
        {
            check ??= target == "parser" ? ParserCheck(ParserTarget.Create()) : ScannerCheck(ScannerTarget.Create());
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            check(copy.ToArray());
        });
    }

    /// <summary>Writes <paramref name="count"/> undamaged generated inputs to <paramref name="directory"/> as AFL++'s seeds.</summary>
    public static void WriteCorpus(string target, string directory, int count)
    {
        Directory.CreateDirectory(directory);
        var random = new Random(1);
        for (int i = 0; i < count; i++)
        {
            byte[] input = target == "scanner"
                ? ReplyGenerator.Generate(random, maxValues: 3, ends: null)
                : RequestGenerator.Generate(random, maxCommands: 3, maxArgLength: 20, expected: null);
            File.WriteAllBytes(Path.Combine(directory, $"seed{i:D3}"), input);
        }
    }

    // Read boundaries come from the input's own hash, so a crash AFL++ saves replays identically.
    // (FNV-1a: HashCode is randomized per process, so it would not replay.)
    private static Random RandomFor(byte[] input)
    {
        uint hash = 2166136261;
        foreach (byte b in input)
        {
            hash = unchecked((hash ^ b) * 16777619);
        }
        return new Random(unchecked((int)hash));
    }

    private static Action<byte[]> ParserCheck(ParserTarget target)
    {
        var small = new RespLimits { MaxBulkLength = 64, MaxArguments = 8, MaxInlineLength = 32 };
        return input =>
        {
            target.Check(input, RespLimits.Default, null, RandomFor(input));
            target.Check(input, small, null, RandomFor(input));
        };
    }

    private static Action<byte[]> ScannerCheck(ScannerTarget target) => input => target.Check(input, null, RandomFor(input));
}
