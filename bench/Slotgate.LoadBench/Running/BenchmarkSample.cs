namespace Slotgate.LoadBench.Running;

/// <summary>One redis-benchmark result row: throughput and latency in milliseconds.</summary>
internal sealed record BenchmarkSample(double OpsPerSecond, double AvgMs, double MinMs, double P50Ms, double P95Ms, double P99Ms, double MaxMs);
