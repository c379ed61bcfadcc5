namespace Slotgate.Diagnostics;

/// <summary>
/// Counters of one command: calls by result, time spent and a latency histogram. INFO commandstats/latencystats, the
/// dashboard and <c>/metrics</c> all read these, so each answered command is recorded once (three interlocked adds).
/// One instance per command-table entry, created up front: the per-command path only increments.
/// </summary>
internal sealed class CommandStat(string name)
{
    private readonly long[] _results = new long[ResultCount];
    private long _micros;
    private long _failed;
    private long _rejected;

    public const int ResultCount = (int)CommandResult.Redirect + 1;

    /// <summary>Lower-case Redis name, with <c>|</c> before a subcommand (<c>client|list</c>), or <c>other</c>.</summary>
    public string Name { get; } = name;

    public KeyValuePair<string, object?> Tag { get; } = new("command", name);

    public LatencyHistogram Latency { get; } = new();

    public long Calls
    {
        get
        {
            long calls = 0;
            for (int i = 0; i < ResultCount; i++)
            {
                calls += Volatile.Read(ref _results[i]);
            }
            return calls;
        }
    }

    public long Micros => Volatile.Read(ref _micros);

    /// <summary>Calls answered with an error by a node (or after one), as INFO's <c>failed_calls</c>.</summary>
    public long Failed => Volatile.Read(ref _failed);

    /// <summary>Calls Slotgate refused before sending (arity, ACL, cross-slot), as INFO's <c>rejected_calls</c>.</summary>
    public long Rejected => Volatile.Read(ref _rejected);

    public long Answered(CommandResult result) => Volatile.Read(ref _results[(int)result]);

    public void Record(long micros, CommandResult result, bool rejected)
    {
        Interlocked.Increment(ref _results[(int)result]);
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
}
