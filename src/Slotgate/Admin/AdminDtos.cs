namespace Slotgate.Admin;

// The admin API's JSON shapes. One file of small records rather than a file each: they are one contract, read together.
#pragma warning disable SA1649, SA1402

/// <summary><c>GET /topology</c>.</summary>
internal sealed record TopologyDto(long Epoch, int SlotsCovered, bool FullyCovered, DateTimeOffset? LastRefresh, string? LastError, IReadOnlyList<ShardDto> Shards, IReadOnlyList<MigrationDto> Migrations);

internal sealed record ShardDto(int Index, NodeDto Primary, IReadOnlyList<NodeDto> Replicas, IReadOnlyList<string> Slots, int SlotCount);

internal sealed record NodeDto(string Id, string Endpoint, string Role, bool Healthy, int ConnectionsUp, long Requests, long Errors, double LatencyAvgMs, double LatencyP50Ms, double LatencyP99Ms);

/// <summary>A slot being moved, as its source node reports it (<c>[slot-&gt;-target]</c> in CLUSTER NODES).</summary>
internal sealed record MigrationDto(int Slot, string From, string ToNodeId);

/// <summary>One entry of <c>GET /clients</c>, the fields of CLIENT LIST.</summary>
internal sealed record ClientDto(long Id, string Addr, string Laddr, string? Name, long Age, long Idle, string? Cmd, int Resp, string? LibName, string? LibVer, bool Subscribed, bool Multi);

internal sealed record RefreshDto(bool Ok, bool Changed, long Epoch, string? Error);

internal sealed record LogLevelDto(string Level);

internal sealed record ErrorDto(string Error);

/// <summary><c>GET /api/dashboard</c>: cumulative counters; the page turns successive samples into rates and percentiles.</summary>
internal sealed record DashboardDto(long TimeMs, TopologyDto Topology, IReadOnlyList<int> SlotRuns, IReadOnlyList<SeriesDto> Nodes, IReadOnlyList<SeriesDto> Commands, long CommandsTotal, long ConnectedClients, IReadOnlyList<double> BucketBounds);

/// <summary>A node's or command's request count and latency histogram (bucket upper bounds in <see cref="DashboardDto.BucketBounds"/>, µs).</summary>
internal sealed record SeriesDto(string Name, long Count, IReadOnlyList<long> Buckets);
