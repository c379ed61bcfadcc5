using Slotgate.Cluster;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// The shards one client wrote to, for WAIT: Slotgate asks each of their current primaries. A shard is remembered with
/// a slot it was reached through, so its primary is found again after a failover. Used by the client's own commands,
/// one at a time.
/// </summary>
internal sealed class WrittenShards
{
    private readonly List<(int Slot, Shard Shard)> _shards = [];

    /// <summary>Notes a write to <paramref name="shard"/>, reached through <paramref name="slot"/>.</summary>
    public void Add(int slot, Shard shard)
    {
        foreach ((int _, Shard known) in _shards)
        {
            if (ReferenceEquals(known, shard))
            {
                return;
            }
        }
        _shards.Add((slot, shard));
    }

    /// <summary>The current primaries of the shards written to.</summary>
    public IReadOnlyList<string> Primaries(Router router)
    {
        var endpoints = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach ((int slot, Shard _) in _shards)
        {
            if (router.PrimaryFor(slot) is { } endpoint)
            {
                endpoints.Add(endpoint);
            }
        }
        return [.. endpoints];
    }
}
