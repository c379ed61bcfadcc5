using Slotgate.LoadBench.Running;

namespace Slotgate.LoadBench.Reporting;

/// <summary>All rounds of one scenario against one target, and their medians; <see cref="Error"/> when a round failed.</summary>
internal sealed class TargetSummary
{
    private readonly List<BenchmarkSample> _samples = [];

    public IReadOnlyList<BenchmarkSample> Samples => _samples;

    public string? Error { get; private set; }

    public bool HasResult => Error is null && _samples.Count > 0;

    public double OpsPerSecond => Median.Of(_samples.Select(s => s.OpsPerSecond));

    public double P50Ms => Median.Of(_samples.Select(s => s.P50Ms));

    public double P99Ms => Median.Of(_samples.Select(s => s.P99Ms));

    public void Add(BenchmarkSample sample) => _samples.Add(sample);

    public void Fail(string error) => Error ??= error;
}
