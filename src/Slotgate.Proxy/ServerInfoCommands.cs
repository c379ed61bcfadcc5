using System.Globalization;
using System.Text;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// Server information: INFO (Slotgate's own sections, with the data sections gathered from the primaries), SLOWLOG over
/// Slotgate's slow log and PUBSUB NUMPAT. (CONFIG GET is the nodes': Slotgate has no Redis parameters of its own.)
/// </summary>
internal sealed class ServerInfoCommands(ServerIdentity identity, Cluster.TopologyRefresher topology, PubSubService pubSub, Diagnostics.SlotgateMetrics metrics)
{
    private readonly StatsBaseline _baseline = new();

    /// <summary>CONFIG RESETSTAT, Slotgate's part: its own INFO counts start again from zero (the nodes reset theirs).</summary>
    public void ResetStats() => _baseline.Reset(metrics);

    public void SlowLog(ProxyRequest request, Commands.LocalCommand id) => SlowLogCommand.Execute(metrics.SlowLog, topology.Current, request, id);

    /// <summary>PUBSUB NUMPAT: the patterns Slotgate's clients are subscribed to, over all of them.</summary>
    public void PatternCount(ProxyRequest request) => RespWriter.WriteInteger(request.ReplyWriter, pubSub.PatternCount);

    /// <summary>
    /// INFO: Slotgate's own server, clients, replication and cluster sections. When the keyspace section is asked for,
    /// children are added that fetch each primary's keyspace to be summed.
    /// </summary>
    public void Info(ClientSession session, ProxyRequest request)
    {
        RequestFrame frame = request.Frame;
        var sections = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 1; i < frame.ArgCount; i++)
        {
            sections.Add(Encoding.UTF8.GetString(frame.Arg(i)));
        }
        // As in Redis: commandstats and latencystats only when named or with "all"/"everything", not by default;
        // Slotgate's identities section likewise.
        bool everything = sections.Contains("all") || sections.Contains("everything");
        bool all = sections.Count == 0 || sections.Contains("default") || everything;
        var text = new StringBuilder();
        if (all || sections.Contains("server"))
        {
            AppendServer(text);
        }
        if (all || sections.Contains("clients"))
        {
            text.Append("# Clients\r\n")
                .Append(CultureInfo.InvariantCulture, $"connected_clients:{identity.ConnectedClients}\r\n")
                .Append(CultureInfo.InvariantCulture, $"blocked_clients:{BlockedClients(session)}\r\n\r\n");
        }
        if (all || sections.Contains("proxy"))
        {
            InfoSections.Proxy(text, metrics, identity, topology.Current);
        }
        // Redis's order: memory and stats (gathered from the primaries) come between these and replication; then
        // commandstats, latencystats, cluster and keyspace last.
        var suffix = new StringBuilder();
        if (all || sections.Contains("replication"))
        {
            suffix.Append("# Replication\r\nrole:master\r\nconnected_slaves:0\r\n\r\n");
        }
        if (everything || sections.Contains("commandstats"))
        {
            InfoSections.CommandStats(suffix, metrics.Commands, _baseline);
        }
        if (everything || sections.Contains("latencystats"))
        {
            InfoSections.LatencyStats(suffix, metrics.Commands, _baseline);
        }
        if (everything || sections.Contains("identities"))
        {
            InfoSections.Identities(suffix, metrics.Identities);
        }
        if (all || sections.Contains("cluster"))
        {
            Cluster.SlotMap map = topology.Current;
            suffix.Append("# Cluster\r\ncluster_enabled:0\r\n")
                .Append(CultureInfo.InvariantCulture, $"slotgate_shards:{map.Shards.Count}\r\n")
                .Append(CultureInfo.InvariantCulture, $"slotgate_slots_covered:{map.CoveredSlots}\r\n\r\n");
        }
        // Memory, Stats and Keyspace describe the data: gathered from every primary and added up (Stats' counts of
        // connections, commands and errors are Slotgate's own).
        var gathered = InfoAggregator.Sections.Where(section => all || sections.Contains(section)).ToList();
        if (gathered.Count > 0 && topology.Current.Shards.Count > 0)
        {
            GatherFromPrimaries(request, text.ToString(), suffix.ToString(), gathered);
            return;
        }
        text.Append(suffix);
        if (gathered.Contains("keyspace"))
        {
            text.Append("# Keyspace\r\n\r\n");
        }
        InfoAggregator.TrimLastBlankLine(text);
        // Redis's INFO is a verbatim text under RESP3.
        ReplyShapes.WriteText(request.ReplyWriter, text.ToString(), request.Resp3);
    }

    /// <summary>
    /// Clients of this Slotgate waiting in a blocking command (BLPOP, XREAD BLOCK...), as Redis counts its own: what
    /// clients and test suites poll to know that a reader is blocked before they write.
    /// </summary>
    private static int BlockedClients(ClientSession session)
    {
        int blocked = 0;
        foreach (ClientSession client in session.Clients.Snapshot())
        {
            if (client.BlockedOn is not null)
            {
                blocked++;
            }
        }
        return blocked;
    }

    /// <summary>Adds one INFO child per primary for the <paramref name="gathered"/> sections, merged between Slotgate's own.</summary>
    private void GatherFromPrimaries(ProxyRequest request, string prefix, string suffix, List<string> gathered)
    {
        request.InfoPrefix = prefix;
        request.InfoSuffix = suffix;
        request.InfoStats = InfoSections.OwnStats(metrics, _baseline);
        request.InfoKeyspace = gathered.Contains("keyspace");
        request.Merge = MergeKind.Info;
        foreach (Cluster.Shard shard in topology.Current.Shards)
        {
            ProxyRequest child = request.Pool.Rent();
            child.Frame.Begin(gathered.Count + 1);
            child.Frame.AppendArg("INFO"u8);
            foreach (string section in gathered)
            {
                child.Frame.AppendArg(Encoding.ASCII.GetBytes(section));
            }
            child.Target = shard.Primary.Endpoint;
            request.AddChild(child);
        }
    }

    /// <summary>INFO's server section, as Redis lays it out (with CRLF line ends), naming Slotgate besides the Redis version it presents.</summary>
    private void AppendServer(StringBuilder text) =>
        text.Append(string.Create(CultureInfo.InvariantCulture, $"""
            # Server
            redis_version:{ServerIdentity.RedisVersion}
            redis_mode:standalone
            proxy:slotgate
            slotgate_version:{identity.Version}
            os:{Environment.OSVersion}
            arch_bits:{IntPtr.Size * 8}
            process_id:{Environment.ProcessId}
            run_id:{identity.RunId}
            tcp_port:{identity.Port}
            uptime_in_seconds:{(long)identity.Uptime.TotalSeconds}
            uptime_in_days:{(long)identity.Uptime.TotalDays}


            """).ReplaceLineEndings("\r\n"));
}
