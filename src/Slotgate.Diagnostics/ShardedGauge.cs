using System.Runtime.CompilerServices;

namespace Slotgate.Diagnostics;

/// <summary>
/// A gauge written on every command and also checked on every command (bytes held for clients, against
/// <c>limits.maxPendingBytes</c>). Each thread keeps its changes in its own shard and moves them to a shared total
/// only when they pass <see cref="Quantum"/> either way, so the shared total is written about once per
/// <see cref="Quantum"/> bytes of drift per thread, not per command. <see cref="Estimate"/> reads that total and the
/// calling thread's own shard: it may miss up to <see cref="Quantum"/> per other thread, which a limit of
/// megabytes can afford. <see cref="Value"/> adds every shard, for INFO and metrics.
/// </summary>
internal sealed class ShardedGauge
{
    /// <summary>The change a thread keeps to itself before it moves it to the shared total.</summary>
    public const long Quantum = 64 * 1024;

    private readonly ShardedCounters _local = new(1);

    // The shared total, alone on its cache lines: it is read per command and written rarely.
    private readonly long[] _total = new long[2 * ShardedCounters.Padding + 1];

    public void Add(long delta)
    {
        CounterShard shard = CounterShard.Current;
        long[] cell = _local.CellOf(shard);
        ref long local = ref cell[ShardedCounters.Padding];
        if (shard.Owned)
        {
            long value = local + delta;
            if (value is > Quantum or < -Quantum)
            {
                Interlocked.Add(ref _total[ShardedCounters.Padding], value);
                value = 0;
            }
            Volatile.Write(ref local, value);
        }
        else if (Interlocked.Add(ref local, delta) is > Quantum or < -Quantum)
        {
            Interlocked.Add(ref _total[ShardedCounters.Padding], Interlocked.Exchange(ref local, 0));
        }
    }

    /// <summary>The shared total plus the calling thread's part: within <see cref="Quantum"/> per other thread of <see cref="Value"/>.</summary>
    public long Estimate
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref _total[ShardedCounters.Padding]) + Volatile.Read(ref _local.CellOf(CounterShard.Current)[ShardedCounters.Padding]);
    }

    /// <summary>Every thread's part added up (never below 0: parts move while they are read).</summary>
    public long Value
    {
        get
        {
            long value = Volatile.Read(ref _total[ShardedCounters.Padding]) + _local.SignedSum(0);
            return value > 0 ? value : 0;
        }
    }
}
