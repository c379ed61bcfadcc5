using System.Globalization;
using System.Text;
using Slotgate.Cluster;
using Slotgate.Diagnostics;

namespace Slotgate.Proxy;

/// <summary>
/// INFO sections about Slotgate itself: <c>proxy</c> (its own state), <c>commandstats</c> and <c>latencystats</c>
/// (commands as clients sent them through Slotgate, timed from read to reply ready), in Redis's field formats so
/// existing tooling parses them.
/// </summary>
internal static class InfoSections
{
    private static readonly double[] Percentiles = [50, 99, 99.9];

    public static void Proxy(StringBuilder text, SlotgateMetrics metrics, ServerIdentity identity, SlotMap map)
    {
        text.Append("# Proxy\r\n")
            .Append("proxy_name:slotgate\r\n")
            .Append(CultureInfo.InvariantCulture, $"slotgate_version:{identity.Version}\r\n")
            .Append(CultureInfo.InvariantCulture, $"io_transport:{identity.IoTransport}\r\n")
            .Append(CultureInfo.InvariantCulture, $"io_transport_reason:{identity.IoTransportReason}\r\n")
            .Append(CultureInfo.InvariantCulture, $"connected_clients:{identity.ConnectedClients}\r\n")
            .Append(CultureInfo.InvariantCulture, $"total_connections_received:{metrics.ConnectionsTotal}\r\n")
            .Append(CultureInfo.InvariantCulture, $"total_commands_processed:{metrics.CommandsTotal}\r\n")
            .Append(CultureInfo.InvariantCulture, $"total_error_replies:{metrics.ErrorReplies}\r\n")
            .Append(CultureInfo.InvariantCulture, $"commands_inflight:{metrics.Inflight}\r\n")
            .Append(CultureInfo.InvariantCulture, $"commands_inflight_bytes:{metrics.InflightBytes}\r\n")
            .Append(CultureInfo.InvariantCulture, $"replies_written_on_arrival:{metrics.WrittenOnArrival}\r\n")
            .Append(CultureInfo.InvariantCulture, $"redirects_moved:{metrics.Moved}\r\n")
            .Append(CultureInfo.InvariantCulture, $"redirects_ask:{metrics.Ask}\r\n")
            .Append(CultureInfo.InvariantCulture, $"redirects_tryagain:{metrics.TryAgain}\r\n")
            .Append(CultureInfo.InvariantCulture, $"topology_epoch:{map.Version}\r\n")
            .Append(CultureInfo.InvariantCulture, $"topology_shards:{map.Shards.Count}\r\n")
            .Append(CultureInfo.InvariantCulture, $"topology_slots_covered:{map.CoveredSlots}\r\n")
            .Append(CultureInfo.InvariantCulture, $"topology_refreshes_ok:{metrics.RefreshOk}\r\n")
            .Append(CultureInfo.InvariantCulture, $"topology_refreshes_failed:{metrics.RefreshFailed}\r\n")
            .Append(CultureInfo.InvariantCulture, $"topology_changes:{metrics.RefreshChanged}\r\n")
            .Append(CultureInfo.InvariantCulture, $"slowlog_len:{metrics.SlowLog.Count}\r\n\r\n");
    }

    /// <summary>Stats fields that describe Slotgate's clients rather than the data; they replace the primaries' sums.</summary>
    public static IReadOnlyDictionary<string, string> OwnStats(SlotgateMetrics metrics, StatsBaseline since) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["total_connections_received"] = since.Connections(metrics).ToString(CultureInfo.InvariantCulture),
        ["total_commands_processed"] = since.Commands(metrics).ToString(CultureInfo.InvariantCulture),
        ["total_error_replies"] = since.Errors(metrics).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary><c>cmdstat_get:calls=2,usec=15,usec_per_call=7.50,rejected_calls=0,failed_calls=0</c>, commands used so far only.</summary>
    public static void CommandStats(StringBuilder text, CommandStatsTable commands, StatsBaseline since)
    {
        text.Append("# Commandstats\r\n");
        foreach (CommandStat stat in commands.All)
        {
            (long calls, long usec, long failed, long rejected) = since.Since(stat);
            if (calls == 0)
            {
                continue;
            }
            text.Append(CultureInfo.InvariantCulture,
                $"cmdstat_{stat.Name}:calls={calls},usec={usec},usec_per_call={usec / (double)calls:0.00},rejected_calls={rejected},failed_calls={failed}\r\n");
        }
        text.Append("\r\n");
    }

    /// <summary>
    /// <c>identity_0:name=spiffe://cluster.local/ns/shop/sa/cart,commands=12,connected_clients=1</c>: one line per
    /// <c>diagnostics.identities</c> entry, in configuration order, then <c>other</c> and <c>none</c>. Identity
    /// patterns hold no ':' after the scheme, ',' or '=', so the fields parse as INFO's <c>key=value</c> lists.
    /// </summary>
    public static void Identities(StringBuilder text, IdentityStats identities)
    {
        text.Append("# Identities\r\n");
        int line = 0;
        int count = identities.Names.Count;
        for (int i = 2; i < count + 2; i++)
        {
            // Configured buckets (2..) first, then other (1) and none (0).
            int bucket = i < count ? i : i == count ? IdentityStats.OtherBucket : IdentityStats.NoneBucket;
            text.Append(CultureInfo.InvariantCulture,
                $"identity_{line++}:name={identities.Names[bucket]},commands={identities.Commands(bucket)},connected_clients={identities.ConnectedClients(bucket)}\r\n");
        }
        text.Append("\r\n");
    }

    /// <summary><c>latency_percentiles_usec_get:p50=1.003,p99=5.023,p99.9=9.023</c> from each command's histogram.</summary>
    public static void LatencyStats(StringBuilder text, CommandStatsTable commands, StatsBaseline since)
    {
        text.Append("# Latencystats\r\n");
        var buckets = new long[LatencyHistogram.BucketCount];
        foreach (CommandStat stat in commands.All)
        {
            Array.Clear(buckets);
            if (since.Since(stat, buckets).Calls == 0)
            {
                continue;
            }
            text.Append("latency_percentiles_usec_").Append(stat.Name).Append(':');
            for (int i = 0; i < Percentiles.Length; i++)
            {
                text.Append(i == 0 ? "p" : ",p")
                    .Append(Percentiles[i].ToString(CultureInfo.InvariantCulture)).Append('=')
                    .Append(LatencyHistogram.Percentile(buckets, Percentiles[i]).ToString("0.000", CultureInfo.InvariantCulture));
            }
            text.Append("\r\n");
        }
        text.Append("\r\n");
    }
}
