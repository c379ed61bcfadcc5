using System.Collections.Concurrent;

namespace Slotgate.Routing;

/// <summary>
/// Reusable requests, shared by all sessions. A pipelining client may have thousands of commands in flight, so a pool
/// per session would either allocate under load or pin memory to idle clients; one process-wide pool of bounded size
/// does neither. The queue's ring segments are reused, so renting and returning allocate nothing once warm.
/// </summary>
internal sealed class RequestPool(int maxRetained)
{
    private readonly ConcurrentQueue<ProxyRequest> _free = new();
    private int _count;

    /// <summary>The process-wide pool (retains up to 32,768 requests).</summary>
    public static RequestPool Shared { get; } = new(32 * 1024);

    public ProxyRequest Rent()
    {
        if (_free.TryDequeue(out ProxyRequest? request))
        {
            Interlocked.Decrement(ref _count);
            return request;
        }
        var fresh = new ProxyRequest(this);
        fresh.Reset();
        return fresh;
    }

    public void Return(ProxyRequest request)
    {
        request.Reset();
        if (Interlocked.Increment(ref _count) <= maxRetained)
        {
            _free.Enqueue(request);
        }
        else
        {
            Interlocked.Decrement(ref _count);
        }
    }
}
