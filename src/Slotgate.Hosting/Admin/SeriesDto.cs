namespace Slotgate.Admin;

/// <summary>A node's or command's request count and latency histogram (bucket upper bounds in <see cref="DashboardDto.BucketBounds"/>, µs).</summary>
internal sealed record SeriesDto(string Name, long Count, IReadOnlyList<long> Buckets);
