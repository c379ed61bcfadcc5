namespace Slotgate.Routing;

/// <summary>
/// A small per-session stack of reusable requests. Rented by the session's reader, returned by its writer (and by
/// parents returning their children), so it is locked; the lock is uncontended almost always.
/// </summary>
internal sealed class RequestPool(int maxRetained = 64)
{
    private readonly Stack<ProxyRequest> _free = new();

    public ProxyRequest Rent()
    {
        lock (_free)
        {
            if (_free.TryPop(out ProxyRequest? request))
            {
                return request;
            }
        }
        var fresh = new ProxyRequest(this);
        fresh.Reset();
        return fresh;
    }

    public void Return(ProxyRequest request)
    {
        request.Reset();
        lock (_free)
        {
            if (_free.Count < maxRetained)
            {
                _free.Push(request);
            }
        }
    }
}
