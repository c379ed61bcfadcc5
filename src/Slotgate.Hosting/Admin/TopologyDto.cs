namespace Slotgate.Admin;

/// <summary><c>GET /topology</c>.</summary>
internal sealed record TopologyDto(long Epoch, int SlotsCovered, bool FullyCovered, DateTimeOffset? LastRefresh, string? LastError, IReadOnlyList<ShardDto> Shards, IReadOnlyList<MigrationDto> Migrations);
