using Microsoft.Extensions.Logging;

namespace Slotgate.Transport;

/// <summary>The event loops of one Slotgate, one per core by default; clients and node connections are spread over them.</summary>
internal sealed class EventLoopGroup : IDisposable
{
    private readonly EventLoop[] _loops;
    private int _next;

    public EventLoopGroup(int count, ILogger logger)
    {
        _loops = new EventLoop[Math.Max(1, count)];
        for (int i = 0; i < _loops.Length; i++)
        {
            _loops[i] = new EventLoop(i, logger);
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
        foreach (EventLoop loop in _loops)
        {
            loop.Dispose();
        }
    }
}
