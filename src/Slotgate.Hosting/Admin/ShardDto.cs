namespace Slotgate.Admin;

/// <summary>One shard in <c>/topology</c>: its primary, replicas and slot ranges.</summary>
internal sealed record ShardDto(int Index, NodeDto Primary, IReadOnlyList<NodeDto> Replicas, IReadOnlyList<string> Slots, int SlotCount);
