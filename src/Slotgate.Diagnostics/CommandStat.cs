namespace Slotgate.Diagnostics;

/// <summary>
/// Counters of one command: calls by result, time spent and a latency histogram. INFO commandstats/latencystats, the
/// dashboard and <c>/metrics</c> all read these, so each answered command is recorded once: three or four adds and a
/// histogram bucket, all in the calling thread's shard (<see cref="ShardedCounters"/>), so event loops answering the
/// same command never write the same cache line. One instance per command-table entry, created up front: the
/// per-command path only increments.
/// </summary>
internal sealed class CommandStat(string name)
{
    public const int ResultCount = (int)CommandResult.Redirect + 1;

    // Counter indices after the latency buckets: the results, then these.
    private const int ResultIndex = LatencyHistogram.BucketCount;
    private const int MicrosIndex = ResultIndex + ResultCount;
    private const int FailedIndex = MicrosIndex + 1;
    private const int RejectedIndex = MicrosIndex + 2;

    /// <summary>Lower-case Redis name, with <c>|</c> before a subcommand (<c>client|list</c>), or <c>other</c>.</summary>
    public string Name { get; } = name;

    public KeyValuePair<string, object?> Tag { get; } = new("command", name);

    /// <summary>The latency buckets, and after them in the same per-thread counters the calls, time and failures.</summary>
    public LatencyHistogram Latency { get; } = new(extra: ResultCount + 3);

    private ShardedCounters Counters => Latency.Counters;

    public long Calls
    {
        get
        {
            long calls = 0;
            for (int i = 0; i < ResultCount; i++)
            {
                calls += Counters.Sum(ResultIndex + i);
            }
            return calls;
        }
    }

    public long Micros => Counters.Sum(MicrosIndex);

    /// <summary>Calls answered with an error by a node (or after one), as INFO's <c>failed_calls</c>.</summary>
    public long Failed => Counters.Sum(FailedIndex);

    /// <summary>Calls Slotgate refused before sending (arity, ACL, cross-slot), as INFO's <c>rejected_calls</c>.</summary>
    public long Rejected => Counters.Sum(RejectedIndex);

    public long Answered(CommandResult result) => Counters.Sum(ResultIndex + (int)result);

    public void Record(long micros, CommandResult result, bool rejected) => Record(CounterShard.Current, micros, result, rejected);

    public void Record(CounterShard shard, long micros, CommandResult result, bool rejected)
    {
        long[] cell = Counters.CellOf(shard);
        bool owned = shard.Owned;
        ShardedCounters.Add(cell, ResultIndex + (int)result, 1, owned);
        ShardedCounters.Add(cell, MicrosIndex, micros, owned);
        if (rejected)
        {
            ShardedCounters.Add(cell, RejectedIndex, 1, owned);
        }
        else if (result != CommandResult.Ok)
        {
            ShardedCounters.Add(cell, FailedIndex, 1, owned);
        }
        LatencyHistogram.Record(cell, owned, micros);
    }
}
