using System.Threading.Tasks.Sources;

namespace Slotgate.Proxy;

/// <summary>
/// Bounds the commands a client has waiting for replies. The session's reader takes a slot per command and waits when
/// none is left; the writer frees one per reply written and wakes the reader once half the limit is free again, so a
/// client pipelining flat out causes one wake-up per many commands rather than one per command (and, unlike
/// SemaphoreSlim, no Task per wait). It also counts the bytes of those commands and of their replies not yet written,
/// which the reader holds against the byte limits.
/// </summary>
internal sealed class PipelineLimit : IValueTaskSource
{
    private readonly int _max;
    private ManualResetValueTaskSourceCore<bool> _space = new() { RunContinuationsAsynchronously = true };
    private int _pending;
    private int _waiting;
    private int _threshold;
    private long _bytes;

    public PipelineLimit(int max) => _max = Math.Max(1, max);

    /// <summary>Takes a slot if the client has fewer than the maximum commands pending.</summary>
    public bool TryAcquire()
    {
        if (Volatile.Read(ref _pending) >= _max)
        {
            return false;
        }
        Interlocked.Increment(ref _pending);
        return true;
    }

    /// <summary>
    /// Completes once slots are free again (half the limit); the caller then retries <see cref="TryAcquire"/>.
    /// Callers loop <c>while (!TryAcquire()) await WaitAsync();</c> inside their own long-lived async method, so waiting
    /// allocates no state machine of its own.
    /// </summary>
    public ValueTask WaitAsync() => WaitUntilAtMostAsync(_max / 2);

    /// <summary>True when at most <paramref name="count"/> commands are pending.</summary>
    public bool IsAtMost(int count) => Volatile.Read(ref _pending) <= count;

    /// <summary>
    /// Completes once at most <paramref name="count"/> commands are pending (callers loop on <see cref="IsAtMost"/>).
    /// Used with the half-limit for back-pressure, and with 1 and 0 to let a command that runs on a connection of its own
    /// (EXEC, a blocking command) start only after everything the client sent before it, and finish before anything after.
    /// </summary>
    public ValueTask WaitUntilAtMostAsync(int count)
    {
        _space.Reset();
        Volatile.Write(ref _threshold, count);
        Volatile.Write(ref _waiting, 1);
        // Re-check after announcing the wait: a release that ran before it saw no waiter and woke nobody.
        if (Volatile.Read(ref _pending) <= count && Interlocked.CompareExchange(ref _waiting, 0, 1) == 1)
        {
            return ValueTask.CompletedTask;
        }
        return new ValueTask(this, _space.Version);
    }

    /// <summary>Frees a slot (a reply has been written or dropped).</summary>
    public void Release()
    {
        int pending = Interlocked.Decrement(ref _pending);
        if (pending <= Volatile.Read(ref _threshold) && Interlocked.CompareExchange(ref _waiting, 0, 1) == 1)
        {
            _space.SetResult(true);
        }
    }

    /// <summary>
    /// Adds <paramref name="delta"/> to the bytes of pending commands and their waiting replies (negative once
    /// written); returns the new total.
    /// </summary>
    public long AddBytes(long delta) => Interlocked.Add(ref _bytes, delta);

    void IValueTaskSource.GetResult(short token) => _space.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _space.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _space.OnCompleted(continuation, state, token, flags);
}
