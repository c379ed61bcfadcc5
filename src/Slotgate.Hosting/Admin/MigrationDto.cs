namespace Slotgate.Admin;

/// <summary>A slot being moved, as its source node reports it (<c>[slot-&gt;-target]</c> in CLUSTER NODES).</summary>
internal sealed record MigrationDto(int Slot, string From, string ToNodeId);
