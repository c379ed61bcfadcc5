namespace Slotgate.Diagnostics;

/// <summary>
/// Counters of one command (INFO commandstats/latencystats), plus its pre-built metric tag so recording never builds
/// a string. One instance per command-table entry, created up front: the per-command path only increments.
/// </summary>
internal sealed class CommandStat(string name)
{
    private long _calls;
    private long _micros;
    private long _failed;
    private long _rejected;

    /// <summary>Lower-case Redis name, with <c>|</c> before a subcommand (<c>client|list</c>), or <c>other</c>.</summary>
    public string Name { get; } = name;

    public KeyValuePair<string, object?> Tag { get; } = new("command", name);

    public LatencyHistogram Latency { get; } = new();

    public long Calls => Volatile.Read(ref _calls);

    public long Micros => Volatile.Read(ref _micros);

    public long Failed => Volatile.Read(ref _failed);

    public long Rejected => Volatile.Read(ref _rejected);

    public void Record(long micros, CommandResult result, bool rejected)
    {
        Interlocked.Increment(ref _calls);
        Interlocked.Add(ref _micros, micros);
        if (rejected)
        {
            Interlocked.Increment(ref _rejected);
        }
        else if (result != CommandResult.Ok)
        {
            Interlocked.Increment(ref _failed);
        }
        Latency.Record(micros);
    }

    public void Reset()
    {
        Volatile.Write(ref _calls, 0);
        Volatile.Write(ref _micros, 0);
        Volatile.Write(ref _failed, 0);
        Volatile.Write(ref _rejected, 0);
        Latency.Reset();
    }
}
