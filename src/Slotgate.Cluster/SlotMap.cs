namespace Slotgate.Cluster;

/// <summary>
/// An immutable snapshot of the cluster: which shard owns each of the 16384 hash slots. Readers take the current
/// snapshot through one volatile reference (see <see cref="TopologyRefresher"/>) and never lock; changes build a new one.
/// </summary>
internal sealed class SlotMap
{
    // Every command looks up its slot here, at random: a 32 KiB table of shard numbers stays in the CPU's nearest
    // cache where 16384 references (128 KiB) would not. 0 is "no owner", n is _shards[n - 1].
    private readonly ushort[] _owners;
    private readonly Shard[] _shards;

    public SlotMap(IReadOnlyList<Shard> shards, long version)
    {
        Shards = shards;
        Version = version;
        _shards = Numbered(shards);
        _owners = new ushort[HashSlot.Count];
        for (int index = 0; index < _shards.Length; index++)
        {
            foreach (SlotRange range in _shards[index].Ranges)
            {
                for (int slot = Math.Max(0, range.From); slot <= Math.Min(HashSlot.Count - 1, range.To); slot++)
                {
                    _owners[slot] = (ushort)(index + 1);
                }
            }
        }
        foreach (ushort owner in _owners)
        {
            if (owner != 0)
            {
                CoveredSlots++;
            }
        }
    }

    private SlotMap(IReadOnlyList<Shard> shards, ushort[] owners, long version, int covered)
    {
        Shards = shards;
        _shards = Numbered(shards);
        _owners = owners;
        Version = version;
        CoveredSlots = covered;
    }

    private static Shard[] Numbered(IReadOnlyList<Shard> shards) =>
        shards.Count < ushort.MaxValue ? [.. shards] : throw new ArgumentException($"{shards.Count} shards: at most {ushort.MaxValue - 1} are supported", nameof(shards));

    public static SlotMap Empty { get; } = new([], 0);

    public IReadOnlyList<Shard> Shards { get; }

    /// <summary>Increases with every new snapshot, so a newer map is never replaced by an older one.</summary>
    public long Version { get; }

    public int CoveredSlots { get; }

    public bool IsFullyCovered => CoveredSlots == HashSlot.Count;

    /// <summary>The shard owning <paramref name="slot"/>, or null when no node serves it.</summary>
    public Shard? GetShard(int slot)
    {
        int owner = _owners[slot];
        return owner == 0 ? null : _shards[owner - 1];
    }

    /// <summary>
    /// A copy where <paramref name="slot"/> belongs to the node at <paramref name="endpoint"/>, as a MOVED reply says.
    /// The node may be one we know (a primary, or a replica just promoted) or a new one; the next full refresh fills in the rest.
    /// </summary>
    public SlotMap WithSlotMoved(int slot, string endpoint)
    {
        if (GetShard(slot) is { } current && current.Primary.Endpoint == endpoint)
        {
            return this;
        }
        int target = -1;
        for (int index = 0; index < _shards.Length; index++)
        {
            if (_shards[index].Primary.Endpoint == endpoint)
            {
                target = index;
                break;
            }
        }
        var shards = new List<Shard>(Shards);
        if (target < 0)
        {
            target = shards.Count;
            shards.Add(new Shard(new ClusterNode(string.Empty, endpoint, IsPrimary: true), [], []));
        }
        var owners = (ushort[])_owners.Clone();
        int covered = CoveredSlots + (owners[slot] == 0 ? 1 : 0);
        owners[slot] = (ushort)(target + 1);
        return new SlotMap(shards, owners, Version + 1, covered);
    }

    /// <summary>The uncovered slots as ranges, for error messages and readiness reports.</summary>
    public IReadOnlyList<SlotRange> UncoveredRanges()
    {
        var ranges = new List<SlotRange>();
        int start = -1;
        for (int slot = 0; slot < HashSlot.Count; slot++)
        {
            if (_owners[slot] == 0)
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
