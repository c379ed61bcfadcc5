using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Slotgate.Diagnostics;

/// <summary>
/// Slotgate's instruments (<see cref="System.Diagnostics.Metrics"/>, meter <c>Slotgate</c>) and the plain counters
/// INFO, <c>/topology</c> and the dashboard read. One per server: in-process tests run several servers, and each
/// exporter listens to its own server's meter only. Every tag is pre-built (command, node, result), so recording
/// allocates nothing; label sets are bounded by the command table and the cluster's nodes.
/// <para>
/// The per-command and per-reply figures are recorded once, into <see cref="CommandStat"/> and <see cref="NodeStat"/>;
/// their counters are observable instruments read from those, and <c>/metrics</c> renders their histograms from the
/// same aggregates (<see cref="AggregatedHistograms"/>). The two duration histograms are pushed measurement by
/// measurement only while another listener (the OTLP exporter) has enabled them. See docs/decisions.md.
/// </para>
/// <para>
/// Nothing here that is written per command is shared between threads: every such counter is a
/// <see cref="ShardedCounters"/> (one copy per thread that counts, summed when read) or, for the in-flight bytes the
/// session checks against its budget on every command, a <see cref="ShardedGauge"/>. So event loops on different
/// cores never bounce a counter's cache line between them.
/// </para>
/// </summary>
internal sealed class SlotgateMetrics : IDisposable
{
    public const string MeterName = "Slotgate";

    private static readonly KeyValuePair<string, object?>[] ResultTags =
        [new("result", "ok"), new("result", "error"), new("result", "timeout"), new("result", "redirect")];
    private static readonly KeyValuePair<string, object?> NodeOk = new("result", "ok");
    private static readonly KeyValuePair<string, object?> NodeError = new("result", "error");

    private readonly Histogram<double> _commandDuration;
    private readonly Histogram<double> _backendDuration;
    private readonly Counter<long> _clientConnections;
    private readonly Counter<long> _clientRejected;
    private readonly Counter<long> _redirects;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _refreshes;
    private readonly Counter<long> _split;
    private readonly Counter<long> _splitParts;
    private readonly Counter<long> _fanOut;
    private readonly Counter<long> _authFailures;
    private readonly Counter<long> _backendFailures;
    private readonly ConcurrentDictionary<string, NodeStat> _nodes = new(StringComparer.OrdinalIgnoreCase);
    private readonly ShardedCounters _inflight = new(1); // a gauge: never reset
    private readonly ShardedGauge _inflightBytes = new();
    private readonly ShardedCounters _counts = new((int)Counted.Count);

    public SlotgateMetrics()
    {
        Meter = new Meter(MeterName, typeof(SlotgateMetrics).Assembly.GetName().Version?.ToString(3));
        Meter.CreateObservableCounter("slotgate.commands", CommandCounts, "{command}", "Commands answered, by command and result (ok, error, timeout, redirect)");
        _commandDuration = Meter.CreateHistogram<double>("slotgate.command.duration", "s", "Time from reading a command to its reply being ready, by command");
        Meter.CreateObservableCounter("slotgate.backend.requests", NodeCounts, "{request}", "Requests answered by each Redis node, by result");
        _backendDuration = Meter.CreateHistogram<double>("slotgate.backend.duration", "s", "Time from writing a request to a node to its reply, by node");
        AggregatedHistograms =
        [
            new AggregatedHistogram(_commandDuration, () => Commands.All.Select(c => new AggregatedHistogram.Series(c.Tag, c.Latency, c.Micros))),
            new AggregatedHistogram(_backendDuration, () => _nodes.Values.Select(n => new AggregatedHistogram.Series(n.Tag, n.Latency, n.Micros))),
        ];
        _clientConnections = Meter.CreateCounter<long>("slotgate.client.connections", "{connection}", "Client connections accepted");
        _clientRejected = Meter.CreateCounter<long>("slotgate.client.connections.rejected", "{connection}", "Client connections refused or closed by Slotgate, by reason");
        _redirects = Meter.CreateCounter<long>("slotgate.redirects", "{redirect}", "MOVED, ASK and TRYAGAIN replies followed for clients, by kind");
        _retries = Meter.CreateCounter<long>("slotgate.retries", "{retry}", "Commands sent again for another reason, by reason");
        _refreshes = Meter.CreateCounter<long>("slotgate.topology.refreshes", "{refresh}", "Topology refreshes, by result (ok, failed; changed also counts as ok)");
        _split = Meter.CreateCounter<long>("slotgate.commands.split", "{command}", "Multi-key commands split across slots");
        _splitParts = Meter.CreateCounter<long>("slotgate.commands.split.parts", "{request}", "Sub-commands sent for split commands");
        _fanOut = Meter.CreateCounter<long>("slotgate.commands.fanout", "{command}", "Commands sent to every primary (or every node)");
        _authFailures = Meter.CreateCounter<long>("slotgate.auth.failures", "{failure}", "Failed authentications, by side (client, backend)");
        _backendFailures = Meter.CreateCounter<long>("slotgate.backend.connection.failures", "{failure}", "Backend connections that failed, by node");
        Meter.CreateObservableCounter("slotgate.client.bytes", ClientByteCounts, "By", "Bytes read from clients (in: their commands) and written to them (out: replies and pushes)");
        Meter.CreateObservableCounter("slotgate.client.replies.on_arrival", () => WrittenOnArrival, "{reply}", "Replies written to the client straight from the node's read buffer (their one copy), rather than held until an earlier reply was written");
        Meter.CreateObservableGauge("slotgate.client.connections.active", () => ActiveClients(), "{connection}", "Client connections open now");
        Meter.CreateObservableGauge("slotgate.commands.inflight", () => Inflight, "{command}", "Client commands read and not yet answered");
        Meter.CreateObservableGauge("slotgate.commands.inflight.bytes", () => InflightBytes, "By", "Bytes of client commands read and not yet answered");
        Meter.CreateObservableGauge("slotgate.backend.connections", () => BackendConnections(), "{connection}", "Shared backend connections per node and state (up, down)");
        Meter.CreateObservableGauge("slotgate.topology.epoch", () => TopologyEpoch(), "{epoch}", "Version of the slot map in use; increases with every change");
        Meter.CreateObservableGauge("slotgate.topology.slots.covered", () => SlotsCovered(), "{slot}", "Hash slots served by a known primary (16384 when healthy)");
        Meter.CreateObservableGauge("slotgate.topology.shards", () => Shards(), "{shard}", "Shards (primaries) in the slot map");
        Meter.CreateObservableGauge("slotgate.clients.blocked", () => BlockedClients(), "{client}", "Clients waiting in a blocking command");
        Meter.CreateObservableCounter("slotgate.identity.commands", () => Identities.CommandMeasurements(), "{command}",
            "Commands answered, by client identity (diagnostics.identities; other; none)");
        Meter.CreateObservableGauge("slotgate.identity.clients", () => Identities.ConnectedMeasurements(), "{connection}",
            "Client connections open now, by client identity (diagnostics.identities; other; none)");
    }

    /// <summary>For components built without a server (unit tests, benchmarks): records into a meter nobody listens to.</summary>
    public static SlotgateMetrics Unobserved { get; } = new();

    public Meter Meter { get; }

    /// <summary>The histograms <c>/metrics</c> renders from <see cref="CommandStat"/> and <see cref="NodeStat"/> rather than from measurements.</summary>
    public IReadOnlyList<AggregatedHistogram> AggregatedHistograms { get; }

    public CommandStatsTable Commands { get; } = new();

    public SlowLog SlowLog { get; set; } = new(TimeSpan.FromMilliseconds(10), 128);

    /// <summary>Commands and connections by client identity (<c>diagnostics.identities</c>).</summary>
    public IdentityStats Identities { get; init; } = new([]);

    /// <summary>Sources for the observable gauges, set by the server once its parts exist.</summary>
    public Func<long> ActiveClients { get; set; } = static () => 0;

    public Func<IEnumerable<Measurement<long>>> BackendConnections { get; set; } = static () => [];

    public Func<long> TopologyEpoch { get; set; } = static () => 0;

    public Func<long> SlotsCovered { get; set; } = static () => 0;

    public Func<long> Shards { get; set; } = static () => 0;

    public Func<long> BlockedClients { get; set; } = static () => 0;

    public Func<(long In, long Out)> ClientBytes { get; set; } = static () => (0, 0);

    public long Inflight => _inflight.Sum(0);

    public long InflightBytes => _inflightBytes.Value;

    /// <summary>
    /// <see cref="InflightBytes"/> as the calling thread can read it without touching other threads' counters: within
    /// <see cref="ShardedGauge.Quantum"/> per other thread. For the per-command budget check.
    /// </summary>
    public long InflightBytesEstimate => _inflightBytes.Estimate;

    public long ConnectionsTotal => _counts.Sum((int)Counted.Connections);

    /// <summary>Commands answered so far (INFO's <c>total_commands_processed</c>), summed over the command stats.</summary>
    public long CommandsTotal => Commands.All.Sum(c => c.Calls);

    /// <summary>Commands answered with anything but success (INFO's <c>total_error_replies</c>).</summary>
    public long ErrorReplies => Commands.All.Sum(c => c.Calls - c.Answered(CommandResult.Ok));

    public long Moved => _counts.Sum((int)Counted.Moved);

    public long Ask => _counts.Sum((int)Counted.Ask);

    public long TryAgain => _counts.Sum((int)Counted.TryAgain);

    public long RefreshOk => _counts.Sum((int)Counted.RefreshOk);

    public long RefreshFailed => _counts.Sum((int)Counted.RefreshFailed);

    public long RefreshChanged => _counts.Sum((int)Counted.RefreshChanged);

    /// <summary>Replies written to their client straight from the node's read buffer, with no copy kept (see ReplyWriter).</summary>
    public long WrittenOnArrival => _counts.Sum((int)Counted.WrittenOnArrival);

    /// <summary>Adds <paramref name="replies"/> to <see cref="WrittenOnArrival"/>: once per flush, not per reply.</summary>
    public void RepliesWrittenOnArrival(int replies) => _counts.Add((int)Counted.WrittenOnArrival, replies);

    public IEnumerable<NodeStat> Nodes => _nodes.Values;

    public NodeStat Node(string endpoint) =>
        _nodes.TryGetValue(endpoint, out NodeStat? stat) ? stat : _nodes.GetOrAdd(endpoint, static e => new NodeStat(e));

    public void CommandRead(int bytes)
    {
        _inflight.Add(0, 1);
        _inflightBytes.Add(bytes);
    }

    /// <summary>A client command's reply is ready: the per-command counters, the duration histogram and the slow log.</summary>
    public void CommandAnswered(CommandStat stat, int bytes, long startedAt, long completedAt, CommandResult result, bool rejected)
    {
        CounterShard shard = CounterShard.Current;
        ShardedCounters.Add(_inflight.CellOf(shard), 0, -1, shard.Owned);
        _inflightBytes.Add(-bytes);
        long micros = (long)Stopwatch.GetElapsedTime(startedAt, completedAt).TotalMicroseconds;
        stat.Record(shard, micros, result, rejected);
        if (_commandDuration.Enabled)
        {
            _commandDuration.Record(micros / 1_000_000.0, stat.Tag);
        }
    }

    /// <summary>A command that will not be answered (the client left first) still leaves the in-flight count.</summary>
    public void CommandDropped(int bytes)
    {
        _inflight.Add(0, -1);
        _inflightBytes.Add(-bytes);
    }

    public void BackendReplied(NodeStat node, long sentAt, long now, bool error)
    {
        long micros = (long)Stopwatch.GetElapsedTime(sentAt, now).TotalMicroseconds;
        node.Record(micros, error);
        if (_backendDuration.Enabled)
        {
            _backendDuration.Record(micros / 1_000_000.0, node.Tag);
        }
    }

    public void BackendFailed(string endpoint) => _backendFailures.Add(1, Node(endpoint).Tag);

    public void ClientConnected()
    {
        _counts.Add((int)Counted.Connections, 1);
        _clientConnections.Add(1);
    }

    /// <summary>
    /// A client connection refused or closed by Slotgate; <paramref name="reason"/> comes from a fixed set
    /// (<c>protocol_error</c>, <c>killed</c>, <c>max_clients</c>, <c>idle_timeout</c>, <c>auth_timeout</c>).
    /// </summary>
    public void ClientRejected(string reason) => _clientRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Redirect(RedirectCounter kind)
    {
        switch (kind)
        {
            case RedirectCounter.Moved:
                _counts.Add((int)Counted.Moved, 1);
                _redirects.Add(1, new KeyValuePair<string, object?>("kind", "moved"));
                break;
            case RedirectCounter.Ask:
                _counts.Add((int)Counted.Ask, 1);
                _redirects.Add(1, new KeyValuePair<string, object?>("kind", "ask"));
                break;
            default:
                _counts.Add((int)Counted.TryAgain, 1);
                _redirects.Add(1, new KeyValuePair<string, object?>("kind", "tryagain"));
                break;
        }
    }

    /// <summary>A retry other than a redirect; <paramref name="reason"/> is one of a fixed set (failover_wait, replica_fallback, noscript).</summary>
    public void Retry(string reason) => _retries.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void TopologyRefreshed(bool ok, bool changed)
    {
        if (!ok)
        {
            _counts.Add((int)Counted.RefreshFailed, 1);
            _refreshes.Add(1, new KeyValuePair<string, object?>("result", "failed"));
            return;
        }
        _counts.Add((int)Counted.RefreshOk, 1);
        _refreshes.Add(1, new KeyValuePair<string, object?>("result", "ok"));
        if (changed)
        {
            _counts.Add((int)Counted.RefreshChanged, 1);
            _refreshes.Add(1, new KeyValuePair<string, object?>("result", "changed"));
        }
    }

    public void Split(int parts)
    {
        _split.Add(1);
        _splitParts.Add(parts);
    }

    public void FanOut() => _fanOut.Add(1);

    /// <summary><paramref name="side"/>: <c>client</c> or <c>backend</c>.</summary>
    public void AuthFailed(string side) => _authFailures.Add(1, new KeyValuePair<string, object?>("side", side));

    public void Dispose() => Meter.Dispose();

    /// <summary>The counters in <see cref="_counts"/>: those that are neither per command nor per node.</summary>
    private enum Counted
    {
        Connections,
        WrittenOnArrival,
        Moved,
        Ask,
        TryAgain,
        RefreshOk,
        RefreshFailed,
        RefreshChanged,
        Count,
    }

    private IEnumerable<Measurement<long>> CommandCounts()
    {
        foreach (CommandStat stat in Commands.All)
        {
            for (int result = 0; result < CommandStat.ResultCount; result++)
            {
                long count = stat.Answered((CommandResult)result);
                if (count > 0)
                {
                    yield return new Measurement<long>(count, stat.Tag, ResultTags[result]);
                }
            }
        }
    }

    private IEnumerable<Measurement<long>> ClientByteCounts()
    {
        (long bytesIn, long bytesOut) = ClientBytes();
        yield return new Measurement<long>(bytesIn, new KeyValuePair<string, object?>("direction", "in"));
        yield return new Measurement<long>(bytesOut, new KeyValuePair<string, object?>("direction", "out"));
    }

    private IEnumerable<Measurement<long>> NodeCounts()
    {
        foreach (NodeStat node in _nodes.Values)
        {
            long ok = node.Ok, errors = node.Errors;
            if (ok > 0)
            {
                yield return new Measurement<long>(ok, node.Tag, NodeOk);
            }
            if (errors > 0)
            {
                yield return new Measurement<long>(errors, node.Tag, NodeError);
            }
        }
    }
}
