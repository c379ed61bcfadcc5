namespace Slotgate.Diagnostics;

/// <summary>
/// Requests answered by one Redis node and their latency (sent to reply), for the per-node metrics, <c>/topology</c>
/// and the dashboard. Shared by every connection to the node; each reply is recorded once (two adds and a histogram
/// bucket) in the calling thread's shard (<see cref="ShardedCounters"/>), so the node's connections on different
/// event loops never write the same cache line.
/// </summary>
internal sealed class NodeStat(string endpoint)
{
    // Counter indices after the latency buckets.
    private const int OkIndex = LatencyHistogram.BucketCount;
    private const int ErrorsIndex = OkIndex + 1;
    private const int MicrosIndex = OkIndex + 2;

    public string Endpoint { get; } = endpoint;

    public KeyValuePair<string, object?> Tag { get; } = new("node", endpoint);

    /// <summary>The latency buckets, and after them in the same per-thread counters the results and time.</summary>
    public LatencyHistogram Latency { get; } = new(extra: 3);

    public long Requests => Ok + Errors;

    public long Ok => Latency.Counters.Sum(OkIndex);

    public long Errors => Latency.Counters.Sum(ErrorsIndex);

    public long Micros => Latency.Counters.Sum(MicrosIndex);

    public void Record(long micros, bool error)
    {
        CounterShard shard = CounterShard.Current;
        long[] cell = Latency.Counters.CellOf(shard);
        ShardedCounters.Add(cell, error ? ErrorsIndex : OkIndex, 1, shard.Owned);
        ShardedCounters.Add(cell, MicrosIndex, micros, shard.Owned);
        LatencyHistogram.Record(cell, shard.Owned, micros);
    }
}
