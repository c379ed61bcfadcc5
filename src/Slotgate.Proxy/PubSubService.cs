using Microsoft.Extensions.Logging;
using Slotgate.Backend;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>What every session's <see cref="Subscriptions"/> needs: how to reach nodes and where channels live.</summary>
internal sealed class PubSubService(IBackendConnector connector, BackendSettings settings, Router router, ILogger<PubSubService> logger)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _patterns = new(StringComparer.Ordinal);

    public Router Router => router;

    /// <summary>
    /// Distinct patterns subscribed through this Slotgate. PUBSUB NUMPAT answers from it: each node only counts its own
    /// patterns, so summing nodes would count a pattern once per node its subscribers happen to be on.
    /// </summary>
    public int PatternCount => _patterns.Count;

    public void PatternAdded(string pattern) => _patterns.AddOrUpdate(pattern, 1, (_, count) => count + 1);

    public void PatternRemoved(string pattern)
    {
        while (_patterns.TryGetValue(pattern, out int count))
        {
            if (count <= 1 ? _patterns.TryRemove(new KeyValuePair<string, int>(pattern, count)) : _patterns.TryUpdate(pattern, count - 1, count))
            {
                return;
            }
        }
    }

    /// <summary>True when connections start with AUTH, whose reply the subscriber must skip.</summary>
    public int HandshakeReplies(bool resp3) => (settings.Credentials.HasPassword ? 1 : 0) + (resp3 ? 1 : 0);

    public PushConnection Connect(string endpoint, IPushHandler handler, bool resp3)
    {
        var connection = new PushConnection(endpoint, connector, settings, logger, handler, resp3);
        connection.Start();
        return connection;
    }
}
