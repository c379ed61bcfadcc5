using System.IO.Pipelines;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace Slotgate.Transport;

/// <summary>Something registered with an <see cref="EventLoop"/>: told which epoll events fired for its descriptor.</summary>
internal interface IEventHandler
{
    void OnEvents(uint events);
}

/// <summary>
/// One thread waiting on one epoll set, for the sockets (clients and nodes) it owns. Work the loop's own
/// connections schedule while handling a batch of events (a flushed pipe's send, a reply's continuation) runs
/// after the whole batch, so the commands of all the clients that became readable together leave for a node
/// in one send, and their replies reach each client in one send: cross-client batching without a thread hop.
/// As a <see cref="PipeScheduler"/>, work scheduled from another thread is queued and the loop woken.
/// </summary>
internal sealed unsafe partial class EventLoop : PipeScheduler, IDisposable
{
    internal const int MaxEvents = 256;
    private const int WakeSlot = 0;

    [ThreadStatic]
    private static EventLoop? t_current;

    private readonly int _epoll;
    private readonly int _wake;
    private readonly Thread _thread;
    private readonly ILogger _logger;
    private readonly List<IEventHandler?> _handlers = [null];
    private readonly Stack<int> _freeSlots = new();
    private readonly List<int> _releasedSlots = [];
    private readonly object _postedLock = new();
    private List<(Action<object?> Action, object? State)> _posted = [];
    private List<(Action<object?> Action, object? State)> _postedSpare = [];
    private List<(Action<object?> Action, object? State)> _deferred = [];
    private List<(Action<object?> Action, object? State)> _deferredSpare = [];
    private List<(Action<object?> Action, object? State)> _afterPoll = [];
    private List<(Action<object?> Action, object? State)> _afterPollSpare = [];
    private int _sleeping;
    private volatile bool _stopping;

    /// <summary>Starts loop <paramref name="index"/> on epoll, or with <paramref name="useRing"/> on io_uring (see EventLoop.Ring.cs).</summary>
    public EventLoop(int index, ILogger logger, bool useRing = false)
    {
        Index = index;
        _logger = logger;
        _useRing = useRing;
        _epoll = useRing ? -1 : Native.EpollCreate(Native.EFD_CLOEXEC);
        if (!useRing && _epoll < 0)
        {
            throw new IOException($"epoll_create1 failed (errno {Marshal.GetLastPInvokeError()})");
        }
        _wake = Native.EventFd(0, Native.EFD_NONBLOCK | Native.EFD_CLOEXEC);
        if (_wake < 0)
        {
            throw new IOException($"eventfd failed (errno {Marshal.GetLastPInvokeError()})");
        }
        if (!useRing)
        {
            Control(Native.EPOLL_CTL_ADD, _wake, Native.EPOLLIN, WakeSlot);
        }
        _thread = new Thread(Run) { IsBackground = true, Name = $"slotgate-loop-{index}" };
        _thread.Start();
        if (useRing)
        {
            _ringStarted.Wait();
            if (_ringError is not null)
            {
                _thread.Join();
                Native.Close(_wake);
                throw new IOException($"Event loop {index}: io_uring could not be set up", _ringError);
            }
        }
    }

    private readonly ManualResetEventSlim _ringStarted = new();
    private Exception? _ringError;

    public int Index { get; }

    /// <summary>
    /// The pipe options the loop's connections last used for their input and output (they only differ in thresholds
    /// between clients and node connections): one per loop rather than two per connection. Set from any thread; a
    /// race only makes one more.
    /// </summary>
    internal PipeOptions? InputOptions { get; set; }

    /// <inheritdoc cref="InputOptions"/>
    internal PipeOptions? OutputOptions { get; set; }

    /// <summary>The loop running on this thread, if this is a loop thread.</summary>
    public static EventLoop? Current => t_current;

    public bool IsCurrent => ReferenceEquals(t_current, this);

    /// <summary>Runs <paramref name="action"/> on the loop: after the current batch when called on it, else soon.</summary>
    public override void Schedule(Action<object?> action, object? state)
    {
        if (ReferenceEquals(t_current, this))
        {
            _deferred.Add((action, state));
        }
        else
        {
            Post(action, state);
        }
    }

    /// <summary>
    /// Awaited on the loop's thread, resumes there once the current batch of events has been handled. A writer woken by
    /// the first command (or reply) of a batch waits for the rest of the batch this way, then writes and flushes
    /// them together: one flush per batch rather than one per item, with the send still one per batch.
    /// </summary>
    public static LoopYieldAwaitable YieldToEndOfBatch() => new(t_current, afterNextPoll: false);

    /// <summary>
    /// Awaited on the loop's thread, resumes there after the loop has next polled its sockets (without blocking, since
    /// work is waiting) and handled what that poll found. A writer with part of a burst ready gives the rest of it one
    /// more chance to arrive this way before it sends the part: the cost is one poll, shared by every writer waiting.
    /// </summary>
    public static LoopYieldAwaitable YieldToNextPoll() => new(t_current, afterNextPoll: true);

    internal void ScheduleAfterNextPoll(Action<object?> action, object? state) => _afterPoll.Add((action, state));

    /// <summary>Queues work from any thread and wakes the loop if it is waiting.</summary>
    public void Post(Action<object?> action, object? state)
    {
        lock (_postedLock)
        {
            _posted.Add((action, state));
        }
        if (Interlocked.Exchange(ref _sleeping, 0) == 1)
        {
            long one = 1;
            Native.Write(_wake, &one, sizeof(long));
        }
    }

    /// <summary>Registers <paramref name="fd"/> (on the loop thread); returns the slot to modify or remove it with.</summary>
    public int Register(int fd, uint events, IEventHandler handler)
    {
        int slot = AllocateSlot(handler);
        if (_useRing)
        {
            RegisterPoll(slot, fd, events);
        }
        else
        {
            Control(Native.EPOLL_CTL_ADD, fd, events, slot);
        }
        return slot;
    }

    public void Modify(int fd, uint events, int slot)
    {
        if (_useRing)
        {
            ModifyPoll(slot, events);
        }
        else
        {
            Control(Native.EPOLL_CTL_MOD, fd, events, slot);
        }
    }

    /// <summary>Removes <paramref name="fd"/>; its slot is reused only after the current batch (events for it may still be queued).</summary>
    public void Unregister(int fd, int slot)
    {
        if (_useRing)
        {
            UnregisterPoll(slot);
            return;
        }
        Native.EpollControl(_epoll, Native.EPOLL_CTL_DEL, fd, null);
        ReleaseSlot(slot);
    }

    /// <summary>
    /// Forgets the registration of a descriptor the caller closes right after: closing the last descriptor of a socket
    /// removes it from the epoll set, so the <c>epoll_ctl(DEL)</c> would be a system call for nothing.
    /// </summary>
    public void ForgetClosing(int slot)
    {
        if (_useRing)
        {
            UnregisterPoll(slot);
            return;
        }
        ReleaseSlot(slot);
    }

    private void ReleaseSlot(int slot)
    {
        _handlers[slot] = null;
        _releasedSlots.Add(slot);
    }

    private void Control(int operation, int fd, uint events, int slot)
    {
        var ev = new Native.EpollEvent { Events = events, Data = (ulong)slot };
        if (Native.EpollControl(_epoll, operation, fd, &ev) != 0)
        {
            throw new IOException($"epoll_ctl failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    private void Run()
    {
        t_current = this;
        Native.EpollEvent* events = (Native.EpollEvent*)NativeMemory.Alloc(MaxEvents, (nuint)sizeof(Native.EpollEvent));
        if (_useRing)
        {
            try
            {
                StartRing();
            }
            catch (Exception ex)
            {
                _ringError = ex;
                StopRing();
                NativeMemory.Free(events);
                _ringStarted.Set();
                return;
            }
            _ringStarted.Set();
        }
        try
        {
            while (!_stopping)
            {
                RunPosted();
                RunDeferred();
                // Work waiting for this poll; whatever is scheduled from here on waits for the next one.
                List<(Action<object?> Action, object? State)> afterPoll = _afterPoll;
                _afterPoll = _afterPollSpare;
                _afterPollSpare = afterPoll;
                int timeout = -1;
                Interlocked.Exchange(ref _sleeping, 1);
                if (HasPosted() || _deferred.Count > 0 || afterPoll.Count > 0)
                {
                    Volatile.Write(ref _sleeping, 0);
                    timeout = 0;
                }
                int count;
                int errno = 0;
                if (_useRing)
                {
                    errno = WaitRing(timeout);
                    count = errno == 0 ? 0 : -1;
                }
                else
                {
                    count = Native.EpollWait(_epoll, events, MaxEvents, timeout);
                    errno = count < 0 ? Marshal.GetLastPInvokeError() : 0;
                }
                Volatile.Write(ref _sleeping, 0);
                if (count < 0)
                {
                    // On io_uring, EAGAIN and EBUSY mean the kernel is short of memory for completions: try again.
                    if (errno == Native.EINTR || (_useRing && errno is Native.EAGAIN or Native.EBUSY))
                    {
                        _deferred.AddRange(afterPoll);
                        afterPoll.Clear();
                        continue;
                    }
                    Log.PollFailed(_logger, Index, errno);
                    return;
                }
                for (int i = 0; i < count; i++)
                {
                    int slot = (int)events[i].Data;
                    if (slot == WakeSlot)
                    {
                        long value;
                        Native.Read(_wake, &value, sizeof(long));
                        continue;
                    }
                    if (_handlers[slot] is { } handler)
                    {
                        try
                        {
                            handler.OnEvents(events[i].Events);
                        }
                        catch (Exception ex)
                        {
                            Log.HandlerFailed(_logger, ex, Index);
                        }
                    }
                }
                if (_useRing)
                {
                    DrainRing();
                }
                _deferred.AddRange(afterPoll);
                afterPoll.Clear();
                RunDeferred();
                foreach (int slot in _releasedSlots)
                {
                    _freeSlots.Push(slot);
                }
                _releasedSlots.Clear();
            }
        }
        finally
        {
            NativeMemory.Free(events);
            StopRing();
        }
    }

    private bool HasPosted()
    {
        lock (_postedLock)
        {
            return _posted.Count > 0;
        }
    }

    private void RunPosted()
    {
        List<(Action<object?> Action, object? State)> batch;
        lock (_postedLock)
        {
            if (_posted.Count == 0)
            {
                return;
            }
            batch = _posted;
            _posted = _postedSpare;
            _postedSpare = batch;
        }
        foreach ((Action<object?> action, object? state) in batch)
        {
            Invoke(action, state);
        }
        batch.Clear();
    }

    /// <summary>
    /// Runs what the batch scheduled. Work it schedules in turn (a send that completes a flush that resumes a writer)
    /// runs in the next round; after a few rounds the loop polls again rather than starve the sockets.
    /// </summary>
    private void RunDeferred()
    {
        for (int round = 0; round < 4 && _deferred.Count > 0; round++)
        {
            List<(Action<object?> Action, object? State)> batch = _deferred;
            _deferred = _deferredSpare;
            _deferredSpare = batch;
            foreach ((Action<object?> action, object? state) in batch)
            {
                Invoke(action, state);
            }
            batch.Clear();
        }
    }

    private void Invoke(Action<object?> action, object? state)
    {
        try
        {
            action(state);
        }
        catch (Exception ex)
        {
            Log.WorkFailed(_logger, ex, Index);
        }
    }

    public void Dispose()
    {
        _stopping = true;
        Post(static _ => { }, null);
        if (!_thread.Join(TimeSpan.FromSeconds(5)))
        {
            return; // leave the descriptors to the process exit rather than close them under a running loop
        }
        Native.Close(_wake);
        if (_epoll >= 0)
        {
            Native.Close(_epoll);
        }
        _ringStarted.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 200, Level = LogLevel.Critical, Message = "Event loop {Index}: waiting (epoll_wait or io_uring_enter) failed (errno {Errno}); it stops")]
        public static partial void PollFailed(ILogger logger, int index, int errno);

        [LoggerMessage(EventId = 201, Level = LogLevel.Error, Message = "Event loop {Index}: a connection's event handler failed")]
        public static partial void HandlerFailed(ILogger logger, Exception exception, int index);

        [LoggerMessage(EventId = 202, Level = LogLevel.Error, Message = "Event loop {Index}: scheduled work failed")]
        public static partial void WorkFailed(ILogger logger, Exception exception, int index);
    }
}

/// <summary>
/// What <see cref="EventLoop.YieldToEndOfBatch"/> and <see cref="EventLoop.YieldToNextPoll"/> return: completes at once
/// off the loops, else resumes on the loop after the current batch, or after the next poll.
/// </summary>
internal readonly struct LoopYieldAwaitable(EventLoop? loop, bool afterNextPoll) : System.Runtime.CompilerServices.ICriticalNotifyCompletion
{
    private static readonly Action<object?> s_resume = static continuation => ((Action)continuation!)();

    public LoopYieldAwaitable GetAwaiter() => this;

    public bool IsCompleted => loop is null;

    public void GetResult()
    {
    }

    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    public void UnsafeOnCompleted(Action continuation)
    {
        if (afterNextPoll)
        {
            loop!.ScheduleAfterNextPoll(s_resume, continuation);
        }
        else
        {
            loop!.Schedule(s_resume, continuation);
        }
    }
}
