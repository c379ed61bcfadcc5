namespace Slotgate.Cluster;

/// <summary>
/// An immutable snapshot of the cluster: which shard owns each of the 16384 hash slots. Readers take the current
/// snapshot through one volatile reference (see <see cref="TopologyRefresher"/>) and never lock; changes build a new one.
/// </summary>
internal sealed class SlotMap
{
    private readonly Shard?[] _owners;

    public SlotMap(IReadOnlyList<Shard> shards, long version)
    {
        Shards = shards;
        Version = version;
        _owners = new Shard?[HashSlot.Count];
        foreach (Shard shard in shards)
        {
            foreach (SlotRange range in shard.Ranges)
            {
                for (int slot = Math.Max(0, range.From); slot <= Math.Min(HashSlot.Count - 1, range.To); slot++)
                {
                    _owners[slot] = shard;
                }
            }
        }
        foreach (Shard? owner in _owners)
        {
            if (owner is not null)
            {
                CoveredSlots++;
            }
        }
    }

    private SlotMap(IReadOnlyList<Shard> shards, Shard?[] owners, long version, int covered)
    {
        Shards = shards;
        _owners = owners;
        Version = version;
        CoveredSlots = covered;
    }

    public static SlotMap Empty { get; } = new([], 0);

    public IReadOnlyList<Shard> Shards { get; }

    /// <summary>Increases with every new snapshot, so a newer map is never replaced by an older one.</summary>
    public long Version { get; }

    public int CoveredSlots { get; }

    public bool IsFullyCovered => CoveredSlots == HashSlot.Count;

    /// <summary>The shard owning <paramref name="slot"/>, or null when no node serves it.</summary>
    public Shard? GetShard(int slot) => _owners[slot];

    /// <summary>
    /// A copy where <paramref name="slot"/> belongs to the node at <paramref name="endpoint"/>, as a MOVED reply says.
    /// The node may be one we know (a primary, or a replica just promoted) or a new one; the next full refresh fills in the rest.
    /// </summary>
    public SlotMap WithSlotMoved(int slot, string endpoint)
    {
        if (_owners[slot] is { } current && current.Primary.Endpoint == endpoint)
        {
            return this;
        }
        Shard? target = null;
        foreach (Shard shard in Shards)
        {
            if (shard.Primary.Endpoint == endpoint)
            {
                target = shard;
                break;
            }
        }
        var shards = new List<Shard>(Shards);
        if (target is null)
        {
            target = new Shard(new ClusterNode(string.Empty, endpoint, IsPrimary: true), [], []);
            shards.Add(target);
        }
        var owners = (Shard?[])_owners.Clone();
        int covered = CoveredSlots + (owners[slot] is null ? 1 : 0);
        owners[slot] = target;
        return new SlotMap(shards, owners, Version + 1, covered);
    }

    /// <summary>The uncovered slots as ranges, for error messages and readiness reports.</summary>
    public IReadOnlyList<SlotRange> UncoveredRanges()
    {
        var ranges = new List<SlotRange>();
        int start = -1;
        for (int slot = 0; slot < HashSlot.Count; slot++)
        {
            if (_owners[slot] is null)
            {
                if (start < 0)
                {
                    start = slot;
                }
            }
            else if (start >= 0)
            {
                ranges.Add(new SlotRange(start, slot - 1));
                start = -1;
            }
        }
        if (start >= 0)
        {
            ranges.Add(new SlotRange(start, HashSlot.Count - 1));
        }
        return ranges;
    }
}
