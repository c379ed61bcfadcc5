namespace Slotgate.Admin;

/// <summary><c>GET /api/dashboard</c>: cumulative counters; the page turns successive samples into rates and percentiles.</summary>
internal sealed record DashboardDto(long TimeMs, TopologyDto Topology, IReadOnlyList<int> SlotRuns, IReadOnlyList<SeriesDto> Nodes, IReadOnlyList<SeriesDto> Commands, long CommandsTotal, long ConnectedClients, IReadOnlyList<double> BucketBounds);
