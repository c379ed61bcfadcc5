namespace Slotgate.LoadBench.Scenarios;

/// <summary>One workload, run the same way against the cluster directly and through the proxy.</summary>
internal sealed record Scenario
{
    public required string Name { get; init; }

    public required string Description { get; init; }

    /// <summary><c>-n</c> for a full run, sized so the slower target takes a few seconds on a small machine.</summary>
    public required int Requests { get; init; }

    /// <summary>redis-benchmark options shared by both targets (<c>-c</c>, <c>-P</c>, <c>-r</c>, <c>-d</c>, <c>-k</c>).</summary>
    public required IReadOnlyList<string> Options { get; init; }

    /// <summary>Test selection (<c>-t set</c>) or a custom command line, sent to the proxy.</summary>
    public required IReadOnlyList<string> ProxyCommand { get; init; }

    /// <summary>The same for the direct run; differs only where redis-benchmark --cluster needs it to.</summary>
    public IReadOnlyList<string>? DirectCommand { get; init; }

    public DirectMode DirectMode { get; init; } = DirectMode.ClusterAware;

    /// <summary>Printed under the table when the direct column is not the same workload as the proxy column.</summary>
    public string? DirectNote { get; init; }

    public IReadOnlyList<string> EffectiveDirectCommand => DirectCommand ?? ProxyCommand;

    /// <summary>Quick runs keep a twentieth of the requests, but enough for latency percentiles to mean something.</summary>
    public int RequestsFor(bool quick) => quick ? Math.Max(1_000, Requests / 20) : Requests;
}
