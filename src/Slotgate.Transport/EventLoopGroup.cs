using Microsoft.Extensions.Logging;

namespace Slotgate.Transport;

/// <summary>The event loops of one Slotgate, one per core by default; clients and node connections are spread over them.</summary>
internal sealed partial class EventLoopGroup : IDisposable
{
    private readonly EventLoop[] _loops;
    private int _next;

    /// <summary>
    /// Starts <paramref name="count"/> loops on epoll, or with <paramref name="preferRing"/> on io_uring when the process
    /// may use it: the probe's <c>io_uring_setup</c> is refused under Docker's, containerd's and Kubernetes'
    /// <c>RuntimeDefault</c> seccomp profiles, and then the loops run on epoll. Which one runs, and why, is logged: the
    /// fallback as a warning with <paramref name="warnOnFallback"/> (io_uring asked for by name), else as information.
    /// </summary>
    public EventLoopGroup(int count, ILogger logger, bool preferRing = false, bool warnOnFallback = false)
    {
        _loops = new EventLoop[Math.Max(1, count)];
        bool ring = false;
        string reason = "io.transport: epoll";
        if (preferRing)
        {
            ring = IoRing.Probe(out reason);
        }
        try
        {
            StartLoops(logger, ring);
        }
        catch (IOException ex) when (ring)
        {
            // Allowed to set up a ring but not everything the loops need (a provided-buffer ring, say): epoll then.
            Dispose();
            ring = false;
            reason = ex.InnerException?.Message ?? ex.Message;
            StartLoops(logger, ring: false);
        }
        UsesRing = ring;
        TransportReason = reason;
        if (ring)
        {
            Log.RingChosen(logger, _loops.Length);
        }
        else if (preferRing && warnOnFallback)
        {
            Log.RingRefused(logger, _loops.Length, reason);
        }
        else if (preferRing)
        {
            Log.RingUnavailable(logger, _loops.Length, reason);
        }
    }

    /// <summary>Whether the loops run on io_uring.</summary>
    public bool UsesRing { get; }

    /// <summary><c>io_uring</c> or <c>epoll</c>: what the loops wait on, for INFO and the logs.</summary>
    public string TransportName => UsesRing ? "io_uring" : "epoll";

    /// <summary>Why the loops run on what they do (the probe's answer when io_uring was asked for).</summary>
    public string TransportReason { get; }

    private void StartLoops(ILogger logger, bool ring)
    {
        for (int i = 0; i < _loops.Length; i++)
        {
            _loops[i] = new EventLoop(i, logger, ring);
        }
    }

    public IReadOnlyList<EventLoop> Loops => _loops;

    /// <summary>
    /// The loop of the calling thread when it is one of ours, else the next in turn. A node connection opened for a
    /// client's command thus lives on that client's loop, and their traffic never crosses threads.
    /// </summary>
    public EventLoop CurrentOrNext() =>
        EventLoop.Current is { } current && current.Index < _loops.Length && ReferenceEquals(_loops[current.Index], current)
            ? current
            : _loops[(int)((uint)Interlocked.Increment(ref _next) % (uint)_loops.Length)];

    public void Dispose()
    {
        for (int i = 0; i < _loops.Length; i++)
        {
            _loops[i]?.Dispose();
            _loops[i] = null!;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 205, Level = LogLevel.Information, Message = "Transport: io_uring ({Count} event loops; one io_uring_enter per loop iteration)")]
        public static partial void RingChosen(ILogger logger, int count);

        [LoggerMessage(EventId = 206, Level = LogLevel.Warning, Message = "Transport: io_uring asked for but not available ({Reason}); {Count} event loops run on epoll instead")]
        public static partial void RingRefused(ILogger logger, int count, string reason);

        [LoggerMessage(EventId = 207, Level = LogLevel.Information, Message = "Transport: epoll ({Count} event loops; io_uring is not available: {Reason})")]
        public static partial void RingUnavailable(ILogger logger, int count, string reason);
    }
}
