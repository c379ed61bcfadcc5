namespace Slotgate.LoadBench.Options;

/// <summary>What one load-bench run does, as given on the command line.</summary>
internal sealed record LoadBenchOptions
{
    public const int DefaultRounds = 2;
    public const int DefaultIdleClients = 10_000;
    public const int DefaultPhpRequests = 3_000;

    /// <summary>The slotgate build to measure: a native binary, an apphost, or a <c>slotgate.dll</c> run with dotnet.</summary>
    public string SlotgatePath { get; init; } = "";

    /// <summary>Short runs and one round: checks the harness works, the numbers mean little.</summary>
    public bool Quick { get; init; }

    /// <summary>Scenario names to run; empty runs all of them.</summary>
    public IReadOnlyList<string> Scenarios { get; init; } = [];

    /// <summary>Direct/proxy pairs per scenario; the table shows the median of the rounds.</summary>
    public int Rounds { get; init; } = DefaultRounds;

    public int ReplicasPerPrimary { get; init; }

    /// <summary>Idle connections opened for the memory-per-client measurement; 0 skips it.</summary>
    public int IdleClients { get; init; } = DefaultIdleClients;

    /// <summary>Requests per round of the PHP-FPM churn probe (bench/php/churn.php); 0 skips it.</summary>
    public int PhpRequests { get; init; } = DefaultPhpRequests;

    public string OutputDirectory { get; init; } = Path.Combine("artifacts", "bench");

    public string RedisBenchmarkPath { get; init; } = "redis-benchmark";

    /// <summary>Upper bound for one redis-benchmark invocation, so a stalled proxy fails the run instead of hanging it.</summary>
    public TimeSpan BenchmarkTimeout { get; init; } = TimeSpan.FromSeconds(120);

    public bool ShowHelp { get; init; }
}
