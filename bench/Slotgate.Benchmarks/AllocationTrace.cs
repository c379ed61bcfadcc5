using System.Diagnostics;
using System.Globalization;

namespace Slotgate.Benchmarks;

/// <summary>
/// <c>alloc-trace roundtrip|pipeline|sessions [seconds]</c>: runs one session benchmark in a loop outside
/// BenchmarkDotNet, prints the bytes allocated per command across the process and which types the GC sampled.
/// BenchmarkDotNet's Allocated column says how much; this says what.
/// </summary>
internal static class AllocationTrace
{
    public static async Task<int> RunAsync(string[] args)
    {
        string which = args.Length > 0 ? args[0] : "roundtrip";
        double seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var benchmarks = new SessionBenchmarks();
        await benchmarks.Setup();
        (Func<ValueTask> invoke, int commandsPerInvoke) = which switch
        {
            "roundtrip" => ((Func<ValueTask>)benchmarks.RoundTrip, SessionBenchmarks.RoundTrips),
            "pipeline" => (benchmarks.Pipeline, SessionBenchmarks.PipelineLength * SessionBenchmarks.PipelineRounds),
            "sessions" => (benchmarks.ManySessions, SessionBenchmarks.Sessions * SessionBenchmarks.SessionDepth * SessionBenchmarks.SessionRounds),
            _ => throw new ArgumentException($"unknown benchmark '{which}' (roundtrip, pipeline, sessions)"),
        };

        // Warm-up: pools, buffers and JIT tiers settle, as in BenchmarkDotNet's warm-up iterations.
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(3))
        {
            await invoke();
        }

        using var listener = new AllocationTickListener();
        listener.Start();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        long invokes = 0;
        clock.Restart();
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            await invoke();
            invokes++;
        }
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        listener.Stop();
        await benchmarks.Cleanup();

        long commands = invokes * commandsPerInvoke;
        Console.WriteLine(FormattableString.Invariant(
            $"{which}: {commands:N0} commands in {clock.Elapsed.TotalSeconds:F1} s, {allocated:N0} bytes allocated, {(double)allocated / commands:F3} B/command"));
        Console.WriteLine("AllocationTick samples (one per ~100 KB) by type:");
        foreach ((string type, long ticks) in listener.TicksByType.OrderByDescending(pair => pair.Value))
        {
            Console.WriteLine(FormattableString.Invariant($"  {ticks,6}  {type}"));
        }
        return 0;
    }
}
