using System.Numerics;

namespace Slotgate.Diagnostics;

/// <summary>
/// Latencies in microseconds, counted in log-linear buckets (four per doubling, so any percentile is within 25% of
/// the truth). Recording is one bucket index computation and one increment in the calling thread's shard of the
/// buckets (<see cref="ShardedCounters"/>): cheap enough for every command, allocation-free, and never a cache line
/// shared with another event loop. Used for INFO latencystats and the dashboard's p99.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBuckets = 4;
    private const int Bits = 40; // 2^40 µs is 12 days: nothing real is longer
    public const int BucketCount = Bits * SubBuckets;

    /// <summary>
    /// The buckets are counters 0 to <see cref="BucketCount"/> - 1 of <see cref="Counters"/>; <paramref name="extra"/>
    /// more follow them for the owner's other figures, so one lookup per record finds all of them.
    /// </summary>
    public LatencyHistogram(int extra = 0)
    {
        Counters = new ShardedCounters(BucketCount + extra);
    }

    /// <summary>The buckets, then the owner's extra counters (from index <see cref="BucketCount"/>).</summary>
    internal ShardedCounters Counters { get; }

    public void Record(long micros) => Counters.Add(IndexOf(micros), 1);

    /// <summary>Records into a cell of <see cref="Counters"/> already looked up (<see cref="ShardedCounters.CellOf"/>).</summary>
    internal static void Record(long[] cell, bool owned, long micros) => ShardedCounters.Add(cell, IndexOf(micros), 1, owned);

    /// <summary>Adds the counts to <paramref name="into"/> (a snapshot; buckets move independently).</summary>
    public void CopyTo(long[] into) => Counters.AddTo(into, 0, BucketCount);

    /// <summary>The value at <paramref name="percentile"/> (0..100) of <paramref name="counts"/>, as its bucket's upper bound.</summary>
    public static double Percentile(long[] counts, double percentile)
    {
        long total = 0;
        foreach (long count in counts)
        {
            total += count;
        }
        if (total == 0)
        {
            return 0;
        }
        long rank = Math.Max(1, (long)Math.Ceiling(total * percentile / 100.0));
        long seen = 0;
        for (int i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return UpperBound(i);
            }
        }
        return UpperBound(counts.Length - 1);
    }

    internal static int IndexOf(long micros)
    {
        if (micros < SubBuckets)
        {
            return (int)Math.Max(0, micros);
        }
        int log = BitOperations.Log2((ulong)micros); // ≥ 2
        int sub = (int)((micros >> (log - 2)) & (SubBuckets - 1));
        return Math.Min(BucketCount - 1, (log - 1) * SubBuckets + sub);
    }

    /// <summary>The largest value that falls in bucket <paramref name="index"/>.</summary>
    internal static double UpperBound(int index)
    {
        if (index < SubBuckets)
        {
            return index;
        }
        int log = index / SubBuckets + 1;
        int sub = index % SubBuckets;
        return ((1L << log) + ((long)(sub + 1) << (log - 2))) - 1;
    }
}
