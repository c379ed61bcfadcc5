using System.Diagnostics.Metrics;
using Slotgate.Security;

namespace Slotgate.Diagnostics;

/// <summary>
/// Commands and open connections per client identity bucket (<c>diagnostics.identities</c>): one bucket per configured
/// identity or pattern, then <c>other</c> (an identity none of them matches) and <c>none</c> (no identity: not a PROXY
/// listener, or a header without TLV 0xD0). A connection's bucket is found once, when it connects; each command then
/// costs one increment in the calling thread's shard (<see cref="ShardedCounters"/>), and the label set is bounded by
/// the configuration.
/// </summary>
internal sealed class IdentityStats
{
    public const string OtherName = "other";
    public const string NoneName = "none";

    private readonly IdentityPattern[] _patterns;
    private readonly ShardedCounters _commands;
    private readonly ShardedCounters _connected;
    private readonly KeyValuePair<string, object?>[] _tags;

    public IdentityStats(IReadOnlyList<IdentityPattern> patterns, bool counting = true)
    {
        Counting = counting;
        _patterns = [.. patterns];
        // none first: a connection's bucket defaults to 0, so one built without an identity lookup counts as none.
        Names = [NoneName, OtherName, .. patterns.Select(p => p.Text)];
        _commands = new ShardedCounters(Names.Count);
        _connected = new ShardedCounters(Names.Count);
        _tags = [.. Names.Select(name => new KeyValuePair<string, object?>("identity", name))];
    }

    /// <summary>
    /// Whether commands are counted per bucket: only when identities can occur (a PROXY listener) or are asked for
    /// (<c>diagnostics.identities</c>), so a proxy with neither pays no shared counter per command.
    /// </summary>
    public bool Counting { get; }

    /// <summary><c>none</c>, <c>other</c>, then the configured patterns in order: index = bucket.</summary>
    public IReadOnlyList<string> Names { get; }

    public const int NoneBucket = 0;

    public const int OtherBucket = 1;

    /// <summary>The bucket of a connection with <paramref name="identity"/>: the first configured pattern it matches.</summary>
    public int BucketOf(string? identity)
    {
        if (identity is null)
        {
            return NoneBucket;
        }
        for (int i = 0; i < _patterns.Length; i++)
        {
            if (_patterns[i].Matches(identity))
            {
                return i + 2;
            }
        }
        return OtherBucket;
    }

    public void CommandAnswered(int bucket) => _commands.Add(bucket, 1);

    public void Connected(int bucket) => _connected.Add(bucket, 1);

    public void Disconnected(int bucket) => _connected.Add(bucket, -1);

    public long Commands(int bucket) => _commands.Sum(bucket);

    /// <summary>Open connections of <paramref name="bucket"/> (a connection may close on another thread than it opened on: the sum is what counts).</summary>
    public long ConnectedClients(int bucket) => _connected.Sum(bucket);

    internal IEnumerable<Measurement<long>> CommandMeasurements()
    {
        for (int i = 0; i < _tags.Length; i++)
        {
            yield return new Measurement<long>(Commands(i), _tags[i]);
        }
    }

    internal IEnumerable<Measurement<long>> ConnectedMeasurements()
    {
        for (int i = 0; i < _tags.Length; i++)
        {
            yield return new Measurement<long>(ConnectedClients(i), _tags[i]);
        }
    }
}
