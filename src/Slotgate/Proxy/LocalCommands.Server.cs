using System.Buffers;
using System.Globalization;
using System.Text;
using Slotgate.Cluster;
using Slotgate.Commands;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// Server information: INFO (Slotgate's own sections, with the data sections gathered from the primaries), SLOWLOG
/// over Slotgate's slow log, CONFIG GET and PUBSUB NUMPAT.
/// </summary>
internal sealed partial class LocalCommands
{
    private void Server(ProxyRequest request, CommandInfo command)
    {
        IBufferWriter<byte> reply = request.ReplyWriter;
        switch (command.Local)
        {
            case LocalCommand.SlowLogGet:
            case LocalCommand.SlowLogLen:
            case LocalCommand.SlowLogReset:
            case LocalCommand.SlowLogHelp:
                SlowLogCommand.Execute(_metrics.SlowLog, request, command.Local);
                break;
            case LocalCommand.ConfigGet:
                // Slotgate exposes no Redis configuration parameters: the empty list Redis gives for unknown names.
                // Clients and tools probe CONFIG GET on connect (redis-benchmark, StackExchange.Redis) and carry on.
                RespWriter.WriteArrayHeader(reply, 0);
                break;
            case LocalCommand.PubSubNumPat:
                RespWriter.WriteInteger(reply, _pubSub.PatternCount);
                break;
            default:
                NotAnswered(request, command);
                break;
        }
    }

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
            text.Append("# Server\r\n")
                .Append(CultureInfo.InvariantCulture, $"redis_version:{ServerIdentity.RedisVersion}\r\n")
                .Append("redis_mode:standalone\r\n")
                .Append(CultureInfo.InvariantCulture, $"proxy:slotgate\r\nslotgate_version:{_identity.Version}\r\n")
                .Append(CultureInfo.InvariantCulture, $"os:{Environment.OSVersion}\r\narch_bits:{IntPtr.Size * 8}\r\n")
                .Append(CultureInfo.InvariantCulture, $"process_id:{Environment.ProcessId}\r\n")
                .Append(CultureInfo.InvariantCulture, $"run_id:{_identity.RunId}\r\n")
                .Append(CultureInfo.InvariantCulture, $"tcp_port:{_identity.Port}\r\n")
                .Append(CultureInfo.InvariantCulture, $"uptime_in_seconds:{(long)_identity.Uptime.TotalSeconds}\r\n")
                .Append(CultureInfo.InvariantCulture, $"uptime_in_days:{(long)_identity.Uptime.TotalDays}\r\n\r\n");
        }
        if (all || sections.Contains("clients"))
        {
            text.Append("# Clients\r\n")
                .Append(CultureInfo.InvariantCulture, $"connected_clients:{_identity.ConnectedClients}\r\n\r\n");
        }
        if (all || sections.Contains("proxy"))
        {
            InfoSections.Proxy(text, _metrics, _identity, _topology.Current);
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
            InfoSections.CommandStats(suffix, _metrics.Commands);
        }
        if (everything || sections.Contains("latencystats"))
        {
            InfoSections.LatencyStats(suffix, _metrics.Commands);
        }
        if (everything || sections.Contains("identities"))
        {
            InfoSections.Identities(suffix, _metrics.Identities);
        }
        if (all || sections.Contains("cluster"))
        {
            SlotMap map = _topology.Current;
            suffix.Append("# Cluster\r\ncluster_enabled:0\r\n")
                .Append(CultureInfo.InvariantCulture, $"slotgate_shards:{map.Shards.Count}\r\n")
                .Append(CultureInfo.InvariantCulture, $"slotgate_slots_covered:{map.CoveredSlots}\r\n\r\n");
        }
        // Memory, Stats and Keyspace describe the data: gathered from every primary and added up (Stats' counts of
        // connections, commands and errors are Slotgate's own).
        var gathered = InfoAggregator.Sections.Where(section => all || sections.Contains(section)).ToList();
        if (gathered.Count > 0 && _topology.Current.Shards.Count > 0)
        {
            GatherFromPrimaries(request, text.ToString(), suffix.ToString(), gathered);
            return;
        }
        text.Append(suffix);
        if (gathered.Contains("keyspace"))
        {
            text.Append("# Keyspace\r\n\r\n");
        }
        InfoSections.TrimLastBlankLine(text);
        RespWriter.WriteBulkString(request.ReplyWriter, Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>Adds one INFO child per primary for the <paramref name="gathered"/> sections, merged between Slotgate's own.</summary>
    private void GatherFromPrimaries(ProxyRequest request, string prefix, string suffix, List<string> gathered)
    {
        request.InfoPrefix = prefix;
        request.InfoSuffix = suffix;
        request.InfoStats = InfoSections.OwnStats(_metrics);
        request.InfoKeyspace = gathered.Contains("keyspace");
        request.Merge = MergeKind.Info;
        foreach (Shard shard in _topology.Current.Shards)
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
}
