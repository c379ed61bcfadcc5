namespace Slotgate.Diagnostics;

/// <summary>
/// Counters of one command: calls by result, time spent and a latency histogram. INFO commandstats/latencystats, the
/// dashboard and <c>/metrics</c> all read these, so each answered command is recorded once: three or four adds and a
/// histogram bucket, all in the calling thread's shard (<see cref="ShardedCounters"/>), so event loops answering the
/// same command never write the same cache line. One instance per command-table entry, created up front: the
/// per-command path only increments.
/// </summary>
internal sealed class CommandStat
{
    public const int ResultCount = (int)CommandResult.Redirect + 1;

    // Counter indices: the results, then these, then the latency buckets.
    private const int MicrosIndex = ResultCount;
    private const int FailedIndex = ResultCount + 1;
    private const int RejectedIndex = ResultCount + 2;
    private const int LatencyIndex = ResultCount + 3;

    private readonly ShardedCounters _counters = new(LatencyIndex + LatencyHistogram.BucketCount);

    public CommandStat(string name)
    {
        Name = name;
        Tag = new("command", name);
        Latency = new LatencyHistogram(_counters, LatencyIndex);
    }

    /// <summary>Lower-case Redis name, with <c>|</c> before a subcommand (<c>client|list</c>), or <c>other</c>.</summary>
    public string Name { get; }

    public KeyValuePair<string, object?> Tag { get; }

    public LatencyHistogram Latency { get; }

    public long Calls
    {
        get
        {
            long calls = 0;
            for (int i = 0; i < ResultCount; i++)
            {
                calls += _counters.Sum(i);
            }
            return calls;
        }
    }

    public long Micros => _counters.Sum(MicrosIndex);

    /// <summary>Calls answered with an error by a node (or after one), as INFO's <c>failed_calls</c>.</summary>
    public long Failed => _counters.Sum(FailedIndex);

    /// <summary>Calls Slotgate refused before sending (arity, ACL, cross-slot), as INFO's <c>rejected_calls</c>.</summary>
    public long Rejected => _counters.Sum(RejectedIndex);

    public long Answered(CommandResult result) => _counters.Sum((int)result);

    public void Record(long micros, CommandResult result, bool rejected) => Record(CounterShard.Current, micros, result, rejected);

    public void Record(CounterShard shard, long micros, CommandResult result, bool rejected)
    {
        long[] cell = _counters.CellOf(shard);
        bool owned = shard.Owned;
        ShardedCounters.Add(cell, (int)result, 1, owned);
        ShardedCounters.Add(cell, MicrosIndex, micros, owned);
        if (rejected)
        {
            ShardedCounters.Add(cell, RejectedIndex, 1, owned);
        }
        else if (result != CommandResult.Ok)
        {
            ShardedCounters.Add(cell, FailedIndex, 1, owned);
        }
        Latency.Record(cell, owned, micros);
    }

    /// <summary>Every counter and the histogram read 0 from now on (CONFIG RESETSTAT).</summary>
    public void Reset() => _counters.Reset();
}
