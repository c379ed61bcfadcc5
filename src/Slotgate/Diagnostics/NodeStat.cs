namespace Slotgate.Diagnostics;

/// <summary>
/// Requests answered by one Redis node and their latency (sent to reply), for the per-node metrics, <c>/topology</c>
/// and the dashboard. Shared by every connection to the node.
/// </summary>
internal sealed class NodeStat(string endpoint)
{
    private long _requests;
    private long _errors;
    private long _micros;

    public string Endpoint { get; } = endpoint;

    public KeyValuePair<string, object?> Tag { get; } = new("node", endpoint);

    public LatencyHistogram Latency { get; } = new();

    public long Requests => Volatile.Read(ref _requests);

    public long Errors => Volatile.Read(ref _errors);

    public long Micros => Volatile.Read(ref _micros);

    public void Record(long micros, bool error)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _micros, micros);
        if (error)
        {
            Interlocked.Increment(ref _errors);
        }
        Latency.Record(micros);
    }
}
