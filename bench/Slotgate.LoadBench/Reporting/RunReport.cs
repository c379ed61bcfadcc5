using Slotgate.LoadBench.Probes;

namespace Slotgate.LoadBench.Reporting;

/// <summary>Everything one run measured, for the Markdown, JSON, CSV and plot writers.</summary>
internal sealed record RunReport
{
    public required DateTimeOffset StartedAt { get; init; }

    public required string CommandLine { get; init; }

    public required string RedisBenchmarkVersion { get; init; }

    public required int Primaries { get; init; }

    public required int ReplicasPerPrimary { get; init; }

    public required int Rounds { get; init; }

    public required bool Quick { get; init; }

    public required string SlotgatePath { get; init; }

    public required TimeSpan TimeToReady { get; init; }

    public required IReadOnlyList<ScenarioResult> Scenarios { get; init; }

    public PhpChurnResult? PhpChurn { get; init; }

    public IdleConnectionResult? IdleClients { get; init; }

    public string? IdleClientsError { get; init; }
}
