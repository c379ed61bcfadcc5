namespace Slotgate.Admin;

/// <summary>One node in <c>/topology</c>: its role and health, shared connections up, and requests and latency measured by Slotgate.</summary>
internal sealed record NodeDto(string Id, string Endpoint, string Role, bool Healthy, int ConnectionsUp, long Requests, long Errors, double LatencyAvgMs, double LatencyP50Ms, double LatencyP99Ms);
