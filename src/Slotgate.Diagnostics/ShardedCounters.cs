using System.Runtime.CompilerServices;

namespace Slotgate.Diagnostics;

/// <summary>
/// A fixed set of counters, kept once per <see cref="CounterShard"/> (one per thread that counts) and added up when
/// read. Each shard's copy is its own array with 128 bytes of padding on either side, so no two threads ever write the
/// same cache line (or the adjacent one a core prefetches with it), whatever the GC puts next to it. A shard's array is
/// created the first time that thread counts here; after that, counting allocates nothing.
/// <para>
/// Reads sum the shards without stopping the writers: each counter's total is exact once its writers are done, and a
/// counter that only grows reads as only growing. <see cref="Reset"/> does not write to the shards (a writer's plain
/// add could undo it): it records the current totals as a baseline that reads subtract.
/// </para>
/// </summary>
internal sealed class ShardedCounters
{
    /// <summary>Longs of padding before and after the counters of one shard (128 bytes).</summary>
    internal const int Padding = 16;

    private readonly Lock _gate = new();
    private long[]?[] _cells = [];

    public ShardedCounters(int width)
    {
        Width = width;
    }

    public int Width { get; }

    /// <summary>Adds <paramref name="delta"/> to counter <paramref name="index"/> in the calling thread's shard.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int index, long delta)
    {
        CounterShard shard = CounterShard.Current;
        Add(CellOf(shard), index, delta, shard.Owned);
    }

    /// <summary>
    /// The counters of <paramref name="shard"/>, for a caller that adds to several at once with
    /// <see cref="Add(long[], int, long, bool)"/>. Index <see cref="Padding"/> is counter 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long[] CellOf(CounterShard shard)
    {
        long[]?[] cells = _cells;
        int index = shard.Index;
        return (uint)index < (uint)cells.Length && cells[index] is { } cell ? cell : AddCell(index);
    }

    /// <summary>Adds to counter <paramref name="index"/> of a cell from <see cref="CellOf"/>: plainly when the shard is owned.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Add(long[] cell, int index, long delta, bool owned)
    {
        ref long counter = ref cell[Padding + index];
        if (owned)
        {
            Volatile.Write(ref counter, counter + delta); // one writer: no read-modify-write race to guard against
        }
        else
        {
            Interlocked.Add(ref counter, delta);
        }
    }

    /// <summary>Counter <paramref name="index"/> over every shard (never below 0).</summary>
    public long Sum(int index)
    {
        long sum = Raw(index);
        return sum > 0 ? sum : 0;
    }

    /// <summary>Counter <paramref name="index"/> over every shard, as it is: for gauges, whose shards may go below 0.</summary>
    public long SignedSum(int index) => Raw(index);

    /// <summary>Adds <paramref name="count"/> counters from <paramref name="from"/> on, each summed, to <paramref name="into"/>.</summary>
    public void AddTo(long[] into, int from, int count)
    {
        for (int i = 0; i < count; i++)
        {
            into[i] += Sum(from + i);
        }
    }

    private long Raw(int index)
    {
        long sum = 0;
        foreach (long[]? cell in Volatile.Read(ref _cells))
        {
            if (cell is not null)
            {
                sum += Volatile.Read(ref cell[Padding + index]);
            }
        }
        return sum;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long[] AddCell(int index)
    {
        lock (_gate)
        {
            long[]?[] cells = _cells;
            if ((uint)index < (uint)cells.Length && cells[index] is { } existing)
            {
                return existing;
            }
            var grown = new long[]?[Math.Max(index + 1, Math.Max(8, cells.Length * 2))];
            Array.Copy(cells, grown, cells.Length);
            long[] cell = new long[Width + 2 * Padding];
            grown[index] = cell;
            Volatile.Write(ref _cells, grown);
            return cell;
        }
    }
}
