using System.Diagnostics;

namespace Slotgate.Fuzz;

/// <summary>
/// Runs a target over many generated inputs. Input <c>i</c> of seed <c>s</c> always comes from the same random
/// stream, so any failure can be replayed alone (<c>--seed s --start i --inputs 1</c>).
/// </summary>
public static class FuzzCampaign
{
    public static readonly string[] Targets = ["parser", "scanner", "session", "proxyheader"];

    public static FuzzReport Run(string target, long inputs, int seed, long start = 0, Action<string>? log = null, int maxFailures = 20)
    {
        long before = GC.GetTotalMemory(forceFullCollection: true);
        var failures = new List<FuzzFailure>();
        var watch = Stopwatch.StartNew();
        long done = 0;
        Action<Random> runOne = Create(target, out IDisposable? owner);
        try
        {
            TimeSpan nextLog = TimeSpan.FromSeconds(30);
            for (long i = start; i < start + inputs && failures.Count < maxFailures; i++)
            {
                var random = new Random(HashCode.Combine(seed, i));
                try
                {
                    runOne(random);
                }
                catch (FuzzFailure failure)
                {
                    failures.Add(failure);
                    log?.Invoke($"FAIL seed {seed} input {i}: {failure.Message}");
                }
                done++;
                if (log is not null && watch.Elapsed > nextLog)
                {
                    nextLog += TimeSpan.FromSeconds(30);
                    log($"{target}: {done:N0} inputs, {watch.Elapsed.TotalSeconds:F0} s, heap {GC.GetTotalMemory(false) / 1024 / 1024} MB");
                }
            }
        }
        finally
        {
            owner?.Dispose();
        }
        watch.Stop();
        long after = GC.GetTotalMemory(forceFullCollection: true);
        return new FuzzReport(target, done, watch.Elapsed, failures, before, after);
    }

    private static Action<Random> Create(string target, out IDisposable? owner)
    {
        owner = null;
        switch (target)
        {
            case "parser":
                return ParserTarget.Create().RunOne;
            case "scanner":
                return ScannerTarget.Create().RunOne;
            case "proxyheader":
                return ProxyHeaderTarget.Create().RunOne;
            case "session":
                SessionTarget session = SessionTarget.Create();
                owner = session;
                return session.RunOne;
            default:
                throw new ArgumentException($"unknown target '{target}' (expected one of {string.Join(", ", Targets)})", nameof(target));
        }
    }
}
