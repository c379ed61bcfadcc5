namespace Slotgate.Diagnostics;

/// <summary>
/// Requests answered by one Redis node and their latency (sent to reply), for the per-node metrics, <c>/topology</c>
/// and the dashboard. Shared by every connection to the node; each reply is recorded once (three interlocked adds).
/// </summary>
internal sealed class NodeStat(string endpoint)
{
    private long _ok;
    private long _errors;
    private long _micros;

    public string Endpoint { get; } = endpoint;

    public KeyValuePair<string, object?> Tag { get; } = new("node", endpoint);

    public LatencyHistogram Latency { get; } = new();

    public long Requests => Volatile.Read(ref _ok) + Volatile.Read(ref _errors);

    public long Ok => Volatile.Read(ref _ok);

    public long Errors => Volatile.Read(ref _errors);

    public long Micros => Volatile.Read(ref _micros);

    public void Record(long micros, bool error)
    {
        Interlocked.Increment(ref error ? ref _errors : ref _ok);
        Interlocked.Add(ref _micros, micros);
        Latency.Record(micros);
    }
}
