using Slotgate.Diagnostics;

namespace Slotgate.Proxy;

/// <summary>
/// What CONFIG RESETSTAT resets in Slotgate's own INFO figures (commandstats, latencystats, and stats' connection,
/// command and error counts), as Redis resets its own: the counters themselves keep counting, because /metrics
/// exports them as Prometheus counters, which only grow; INFO shows them less the values taken at the last reset.
/// </summary>
internal sealed class StatsBaseline
{
    private Snapshot _snapshot = Snapshot.Empty;

    /// <summary>Takes the current values as the new zero (CONFIG RESETSTAT).</summary>
    public void Reset(SlotgateMetrics metrics)
    {
        var commands = new Dictionary<CommandStat, CommandBase>();
        foreach (CommandStat stat in metrics.Commands.All)
        {
            long calls = stat.Calls;
            if (calls == 0)
            {
                continue;
            }
            long[] buckets = new long[LatencyHistogram.BucketCount];
            stat.Latency.CopyTo(buckets);
            commands[stat] = new CommandBase(calls, stat.Micros, stat.Failed, stat.Rejected, buckets);
        }
        _snapshot = new Snapshot(metrics.ConnectionsTotal, metrics.CommandsTotal, metrics.ErrorReplies, commands);
    }

    public long Connections(SlotgateMetrics metrics) => metrics.ConnectionsTotal - _snapshot.Connections;

    public long Commands(SlotgateMetrics metrics) => metrics.CommandsTotal - _snapshot.Commands;

    public long Errors(SlotgateMetrics metrics) => metrics.ErrorReplies - _snapshot.Errors;

    /// <summary>A command's figures since the last reset; its latency buckets added to <paramref name="buckets"/>.</summary>
    public (long Calls, long Micros, long Failed, long Rejected) Since(CommandStat stat, long[]? buckets = null)
    {
        if (buckets is not null)
        {
            stat.Latency.CopyTo(buckets);
        }
        if (!_snapshot.PerCommand.TryGetValue(stat, out CommandBase? zero))
        {
            return (stat.Calls, stat.Micros, stat.Failed, stat.Rejected);
        }
        if (buckets is not null)
        {
            for (int i = 0; i < buckets.Length; i++)
            {
                buckets[i] -= zero.Buckets[i];
            }
        }
        return (stat.Calls - zero.Calls, stat.Micros - zero.Micros, stat.Failed - zero.Failed, stat.Rejected - zero.Rejected);
    }

    private sealed record CommandBase(long Calls, long Micros, long Failed, long Rejected, long[] Buckets);

    private sealed record Snapshot(long Connections, long Commands, long Errors, Dictionary<CommandStat, CommandBase> PerCommand)
    {
        public static Snapshot Empty { get; } = new(0, 0, 0, []);
    }
}
