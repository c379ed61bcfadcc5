using System.Collections.Concurrent;

namespace Slotgate.Routing;

/// <summary>
/// Reusable requests, shared by all sessions. A pipelining client may have thousands of commands in flight, so a pool
/// per session would either allocate under load or pin memory to idle clients; one process-wide pool of bounded size
/// does neither. Each thread keeps a small stack in front of the shared queue: on an event loop a request is rented
/// and returned on the same thread, so the common case is an array push and pop with no interlocked operation. The
/// shared queue's ring segments are reused, so renting and returning allocate nothing once warm.
/// </summary>
internal sealed class RequestPool(int maxRetained)
{
    private const int ThreadCacheSize = 1024;

    [ThreadStatic]
    private static ThreadCache? t_cache;

    private readonly ConcurrentQueue<ProxyRequest> _free = new();
    private int _count;
    private bool _threadCached;

    /// <summary>The process-wide pool (retains up to 32,768 requests, plus up to 1,024 per thread).</summary>
    public static RequestPool Shared { get; } = new(32 * 1024) { _threadCached = true };

    public ProxyRequest Rent()
    {
        if (_threadCached && t_cache is { } cache && cache.TryPop(out ProxyRequest? cached))
        {
            return cached;
        }
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
        if (_threadCached && (t_cache ??= new ThreadCache()).TryPush(request))
        {
            return;
        }
        if (Interlocked.Increment(ref _count) <= maxRetained)
        {
            _free.Enqueue(request);
        }
        else
        {
            Interlocked.Decrement(ref _count);
        }
    }

    /// <summary>One thread's requests of the shared pool (other pools, in tests, use the queue alone).</summary>
    private sealed class ThreadCache
    {
        private readonly Entry[] _items = new Entry[ThreadCacheSize];
        private int _count;

        public bool TryPop([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ProxyRequest? request)
        {
            if (_count == 0)
            {
                request = null;
                return false;
            }
            ref Entry top = ref _items[--_count];
            request = top.Request!;
            top.Request = null;
            return true;
        }

        public bool TryPush(ProxyRequest request)
        {
            if (_count == _items.Length)
            {
                return false;
            }
            _items[_count++].Request = request;
            return true;
        }

        private struct Entry
        {
            public ProxyRequest? Request;
        }
    }
}
