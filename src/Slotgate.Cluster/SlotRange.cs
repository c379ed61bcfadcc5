namespace Slotgate.Cluster;

/// <summary>An inclusive range of hash slots, as <c>CLUSTER SLOTS</c> and <c>CLUSTER SHARDS</c> report them.</summary>
internal readonly record struct SlotRange(int From, int To)
{
    public int Count => To - From + 1;

    public bool Contains(int slot) => slot >= From && slot <= To;

    public override string ToString() => From == To ? From.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{From}-{To}";
}
