namespace Slotgate.LoadBench.Running;

/// <summary>Where a redis-benchmark run sends its requests.</summary>
internal enum BenchmarkTarget
{
    Direct,
    Proxy,
}
