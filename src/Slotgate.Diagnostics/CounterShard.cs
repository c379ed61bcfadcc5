using System.Runtime.CompilerServices;

namespace Slotgate.Diagnostics;

/// <summary>
/// A thread's place in every <see cref="ShardedCounters"/>: what a thread counts goes to its own shard, so threads
/// (the event loops above all) never write to the same cache line, and readers add the shards up.
/// <para>
/// A dedicated thread (an event loop) gets a shard of its own the first time it counts and keeps it until it ends; a
/// thread that ended leaves its shard, counts and all, to the next new one. Only its owner writes an owned shard, with
/// plain adds. Thread-pool threads (sessions Kestrel serves, timers) come and go with the pool's load, so they share
/// one shard per processor instead, picked by the processor they run on at each add, and add with interlocked
/// operations there: no cell is allocated when the pool grows, and two pool threads on different cores still write
/// different lines. So do dedicated threads past <see cref="MaxOwned"/> at once.
/// </para>
/// The shard is found through a thread-static rather than passed down from the event loop: the per-command code runs
/// in Proxy, Routing and Backend on whatever thread the transport (event loop or Kestrel's thread pool) runs it on,
/// and a thread-static is right by construction wherever that is, for one thread-local read per command.
/// </summary>
internal sealed class CounterShard
{
    [ThreadStatic]
    private static CounterShard? t_current;

    [ThreadStatic]
    private static bool t_striped;

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
        get => t_current ?? (t_striped ? Striped() : Claim());
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

    private static CounterShard Striped()
    {
        CounterShard[] striped = s_striped!;
        return striped[(uint)Thread.GetCurrentProcessorId() % (uint)striped.Length];
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static CounterShard Claim()
    {
        Thread thread = Thread.CurrentThread;
        lock (s_gate)
        {
            s_striped ??= CreateStriped();
            if (thread.IsThreadPoolThread)
            {
                t_striped = true;
                return Striped();
            }
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
            if (shard is null)
            {
                t_striped = true;
                return Striped();
            }
            shard._owner = thread;
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
