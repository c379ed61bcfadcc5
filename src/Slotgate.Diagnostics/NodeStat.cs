namespace Slotgate.Diagnostics;

/// <summary>
/// Requests answered by one Redis node and their latency (sent to reply), for the per-node metrics, <c>/topology</c>
/// and the dashboard. Shared by every connection to the node; each reply is recorded once (two adds and a histogram
/// bucket) in the calling thread's shard (<see cref="ShardedCounters"/>), so the node's connections on different
/// event loops never write the same cache line.
/// </summary>
internal sealed class NodeStat
{
    private const int OkIndex = 0;
    private const int ErrorsIndex = 1;
    private const int MicrosIndex = 2;
    private const int LatencyIndex = 3;

    private readonly ShardedCounters _counters = new(LatencyIndex + LatencyHistogram.BucketCount);

    public NodeStat(string endpoint)
    {
        Endpoint = endpoint;
        Tag = new("node", endpoint);
        Latency = new LatencyHistogram(_counters, LatencyIndex);
    }

    public string Endpoint { get; }

    public KeyValuePair<string, object?> Tag { get; }

    public LatencyHistogram Latency { get; }

    public long Requests => Ok + Errors;

    public long Ok => _counters.Sum(OkIndex);

    public long Errors => _counters.Sum(ErrorsIndex);

    public long Micros => _counters.Sum(MicrosIndex);

    public void Record(long micros, bool error)
    {
        CounterShard shard = CounterShard.Current;
        long[] cell = _counters.CellOf(shard);
        ShardedCounters.Add(cell, error ? ErrorsIndex : OkIndex, 1, shard.Owned);
        ShardedCounters.Add(cell, MicrosIndex, micros, shard.Owned);
        Latency.Record(cell, shard.Owned, micros);
    }

    /// <summary>Every counter and the histogram read 0 from now on (CONFIG RESETSTAT).</summary>
    public void Reset() => _counters.Reset();
}
