using System.Collections.Concurrent;
using System.Diagnostics;

namespace Slotgate.Backend;

/// <summary>
/// Caps how often Slotgate replaces failed connections to one node (a token bucket per endpoint, shared by every
/// connection kind to it). A node that accepts connections and resets them at once would otherwise be reconnected as
/// fast as commands arrive, and a failover would make every proxy reconnect everything at once. First connections are
/// not counted: start-up opens them all, and they are bounded by connectionsPerNode anyway.
/// </summary>
internal sealed class ReconnectLimiter
{
    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.OrdinalIgnoreCase);
    private readonly int _perSecond;

    public ReconnectLimiter(int perSecond) => _perSecond = Math.Max(1, perSecond);

    public int PerSecond => _perSecond;

    /// <summary>Takes one reconnect from <paramref name="endpoint"/>'s budget; false when it is used up for now.</summary>
    public bool TryAcquire(string endpoint)
    {
        Bucket bucket = _buckets.TryGetValue(endpoint, out Bucket? found)
            ? found
            : _buckets.GetOrAdd(endpoint, static (_, rate) => new Bucket(rate), _perSecond);
        return bucket.TryTake(_perSecond);
    }

    private sealed class Bucket(int capacity)
    {
        private double _tokens = capacity;
        private long _updated = Stopwatch.GetTimestamp();

        public bool TryTake(int perSecond)
        {
            lock (this)
            {
                long now = Stopwatch.GetTimestamp();
                _tokens = Math.Min(perSecond, _tokens + Stopwatch.GetElapsedTime(_updated, now).TotalSeconds * perSecond);
                _updated = now;
                if (_tokens < 1)
                {
                    return false;
                }
                _tokens -= 1;
                return true;
            }
        }
    }
}
