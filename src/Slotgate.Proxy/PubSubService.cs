using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Logging;
using Slotgate.Backend;
using Slotgate.Routing;
using Slotgate.Security;

namespace Slotgate.Proxy;

/// <summary>
/// What every session's <see cref="Subscriptions"/> needs: how to reach nodes and where channels live. It also counts
/// the subscriptions of every client of this Slotgate, so PUBLISH can answer how many clients receive a message as one
/// Redis would (a cluster node counts only the subscribers connected to itself).
/// </summary>
internal sealed class PubSubService(IBackendConnector connector, BackendSettings settings, Router router, ILogger<PubSubService> logger)
{
    private readonly object _patternGate = new();
    private readonly Dictionary<string, int> _patterns = new(StringComparer.Ordinal);
    private PatternSubscribers[] _patternSnapshot = [];
    private readonly ConcurrentDictionary<byte[], int> _channels = new(ByteStringComparer.Instance);
    private readonly PublishRelayPool _relays = new();

    public Router Router => router;

    /// <summary>
    /// Distinct patterns subscribed through this Slotgate. PUBSUB NUMPAT answers from it: each node only counts its own
    /// patterns, so summing nodes would count a pattern once per node its subscribers happen to be on.
    /// </summary>
    public int PatternCount => Volatile.Read(ref _patternSnapshot).Length;

    /// <summary>Reused PUBLISH relays (see <see cref="PublishRelay"/>).</summary>
    public PublishRelayPool Relays => _relays;

    public void PatternAdded(string pattern)
    {
        lock (_patternGate)
        {
            _patterns[pattern] = _patterns.GetValueOrDefault(pattern) + 1;
            SnapshotPatterns();
        }
    }

    public void PatternRemoved(string pattern)
    {
        lock (_patternGate)
        {
            if (!_patterns.TryGetValue(pattern, out int count))
            {
                return;
            }
            if (count <= 1)
            {
                _patterns.Remove(pattern);
            }
            else
            {
                _patterns[pattern] = count - 1;
            }
            SnapshotPatterns();
        }
    }

    /// <summary>One more client of this Slotgate subscribed to <paramref name="channel"/>.</summary>
    public void ChannelAdded(string channel) => _channels.AddOrUpdate(Encoding.UTF8.GetBytes(channel), 1, static (_, count) => count + 1);

    /// <summary>A client of this Slotgate left <paramref name="channel"/>.</summary>
    public void ChannelRemoved(string channel)
    {
        byte[] key = Encoding.UTF8.GetBytes(channel);
        while (_channels.TryGetValue(key, out int count))
        {
            if (count <= 1 ? _channels.TryRemove(new KeyValuePair<byte[], int>(key, count)) : _channels.TryUpdate(key, count - 1, count))
            {
                return;
            }
        }
    }

    /// <summary>
    /// How many clients of this Slotgate receive a message published to <paramref name="channel"/>, counted as Redis
    /// counts PUBLISH's receivers: once per client subscribed to the channel, plus once per client and pattern it
    /// subscribed to that matches the channel. Allocates nothing.
    /// </summary>
    public long Receivers(ReadOnlySpan<byte> channel)
    {
        long receivers = _channels.GetAlternateLookup<ReadOnlySpan<byte>>().TryGetValue(channel, out int subscribers) ? subscribers : 0;
        foreach (PatternSubscribers pattern in Volatile.Read(ref _patternSnapshot))
        {
            if (GlobPattern.Matches(pattern.Pattern, channel))
            {
                receivers += pattern.Clients;
            }
        }
        return receivers;
    }

    /// <summary>True when connections start with AUTH, whose reply the subscriber must skip.</summary>
    public int HandshakeReplies(bool resp3) => (settings.Credentials.HasPassword ? 1 : 0) + (resp3 ? 1 : 0);

    public PushConnection Connect(string endpoint, IPushHandler handler, bool resp3)
    {
        var connection = new PushConnection(endpoint, connector, settings, logger, handler, resp3);
        connection.Start();
        return connection;
    }

    /// <summary>Patterns change rarely and PUBLISH reads them often: PUBLISH reads an array replaced on each change.</summary>
    private void SnapshotPatterns()
    {
        var snapshot = new PatternSubscribers[_patterns.Count];
        int i = 0;
        foreach (var (pattern, clients) in _patterns)
        {
            snapshot[i++] = new PatternSubscribers(Encoding.UTF8.GetBytes(pattern), clients);
        }
        Volatile.Write(ref _patternSnapshot, snapshot);
    }

    private readonly record struct PatternSubscribers(byte[] Pattern, int Clients);
}
