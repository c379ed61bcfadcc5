using System.Runtime.CompilerServices;

namespace Slotgate.Diagnostics;

/// <summary>
/// A thread's place in every <see cref="ShardedCounters"/>: what a thread counts goes to its own shard, so threads
/// (the event loops above all) never write to the same cache line, and readers add the shards up.
/// <para>
/// A thread gets a shard of its own the first time it counts and keeps it until it ends; a thread that ended leaves
/// its shard, counts and all, to the next new thread, so short-lived thread-pool threads do not grow the set. Only
/// its owner writes an owned shard, with plain adds. Past <see cref="MaxOwned"/> live threads at once (a thread pool
/// grown far beyond the cores), further threads share one of a few shards striped by thread id and add with
/// interlocked operations there.
/// </para>
/// The shard is found through a thread-static rather than passed down from the event loop: the per-command code runs
/// in Proxy, Routing and Backend on whatever thread the transport (event loop or Kestrel's thread pool) runs it on,
/// and a thread-static is right by construction wherever that is, for one thread-local read per command.
/// </summary>
internal sealed class CounterShard
{
    [ThreadStatic]
    private static CounterShard? t_current;

    private static readonly Lock s_gate = new();
    private static readonly List<CounterShard> s_owned = [];
    private static CounterShard[]? s_striped;
    private Thread? _owner;

    private CounterShard(int index, bool owned)
    {
        Index = index;
        Owned = owned;
    }

    /// <summary>Threads that may have a shard of their own at once.</summary>
    public static int MaxOwned { get; } = Math.Max(64, 4 * Environment.ProcessorCount);

    /// <summary>The shard's index in every <see cref="ShardedCounters"/>.</summary>
    public int Index { get; }

    /// <summary>Whether only one thread writes this shard (plain adds) rather than several (interlocked adds).</summary>
    public bool Owned { get; }

    /// <summary>The calling thread's shard.</summary>
    public static CounterShard Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_current ?? Claim();
    }

    /// <summary>Owned shards handed out so far (for tests).</summary>
    internal static int OwnedCount
    {
        get
        {
            lock (s_gate)
            {
                return s_owned.Count;
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static CounterShard Claim()
    {
        Thread thread = Thread.CurrentThread;
        lock (s_gate)
        {
            CounterShard? shard = null;
            foreach (CounterShard candidate in s_owned)
            {
                if (candidate._owner is { IsAlive: false })
                {
                    shard = candidate; // its thread ended: no one writes it any more, and its counts stay in the sums
                    break;
                }
            }
            if (shard is null && s_owned.Count < MaxOwned)
            {
                shard = new CounterShard(s_owned.Count, owned: true);
                s_owned.Add(shard);
            }
            if (shard is not null)
            {
                shard._owner = thread;
            }
            else
            {
                s_striped ??= CreateStriped();
                shard = s_striped[thread.ManagedThreadId % s_striped.Length];
            }
            t_current = shard;
            return shard;
        }
    }

    private static CounterShard[] CreateStriped()
    {
        var striped = new CounterShard[Math.Max(2, Environment.ProcessorCount)];
        for (int i = 0; i < striped.Length; i++)
        {
            striped[i] = new CounterShard(MaxOwned + i, owned: false);
        }
        return striped;
    }
}
