using System.Buffers;
using System.Globalization;
using Slotgate.Protocol;

namespace Slotgate.Routing;

/// <summary>
/// Merges of the nodes' statistics into the reply one Redis holding the whole data set would give, in Redis's shape
/// for the client's protocol: MEMORY STATS summed over the primaries, LATENCY LATEST and HISTORY over every node,
/// LATENCY HISTOGRAM summed over the primaries, FUNCTION STATS as a map under RESP3.
/// </summary>
internal static class NodeStatsMerger
{
    /// <summary>Redis keeps this many samples of each latency event.</summary>
    private const int HistoryLength = 160;

    /// <summary>
    /// MEMORY STATS: every count of bytes or keys summed over the primaries (per database too); the ratios and
    /// percentages computed again from those sums with Redis's formulas; any other fraction averaged.
    /// </summary>
    public static void MergeMemoryStats(ProxyRequest parent, IBufferWriter<byte> output)
    {
        var order = new List<string>();
        var sums = new Dictionary<string, long>(StringComparer.Ordinal);
        var fractions = new Dictionary<string, (double Total, int Count)>(StringComparer.Ordinal);
        var databases = new Dictionary<string, (List<string> Order, Dictionary<string, long> Sums)>(StringComparer.Ordinal);
        foreach (ProxyRequest child in parent.Children)
        {
            IReadOnlyList<RespValue> items = ReplyShapes.Parse(child).ItemsOrEmpty;
            for (int i = 0; i + 1 < items.Count; i += 2)
            {
                string name = items[i].Text ?? string.Empty;
                RespValue value = items[i + 1];
                bool seen = sums.ContainsKey(name) || fractions.ContainsKey(name) || databases.ContainsKey(name);
                if (!seen)
                {
                    order.Add(name);
                }
                if (value.Type == ':')
                {
                    sums[name] = sums.GetValueOrDefault(name) + value.Integer;
                }
                else if (value.Type == '*')
                {
                    if (!databases.TryGetValue(name, out var database))
                    {
                        databases[name] = database = ([], new Dictionary<string, long>(StringComparer.Ordinal));
                    }
                    IReadOnlyList<RespValue> fields = value.ItemsOrEmpty;
                    for (int f = 0; f + 1 < fields.Count; f += 2)
                    {
                        string field = fields[f].Text ?? string.Empty;
                        if (database.Sums.TryAdd(field, 0))
                        {
                            database.Order.Add(field);
                        }
                        database.Sums[field] += fields[f + 1].Integer;
                    }
                }
                else
                {
                    double.TryParse(value.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out double fraction);
                    (double total, int count) = fractions.GetValueOrDefault(name);
                    fractions[name] = (total + fraction, count + 1);
                }
            }
        }
        long Sum(string name) => sums.GetValueOrDefault(name);
        static double Ratio(double over, double under) => under == 0 ? 0 : over / under;
        long net = Sum("total.allocated") - Sum("startup.allocated");
        if (sums.ContainsKey("keys.bytes-per-key"))
        {
            sums["keys.bytes-per-key"] = Sum("keys.count") == 0 ? 0 : net / Sum("keys.count");
        }
        var derived = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["dataset.percentage"] = Ratio(Sum("dataset.bytes") * 100.0, net),
            ["peak.percentage"] = Ratio(Sum("total.allocated") * 100.0, Sum("peak.allocated")),
            ["allocator-fragmentation.ratio"] = Ratio(Sum("allocator.active"), Sum("allocator.allocated")),
            ["allocator-rss.ratio"] = Ratio(Sum("allocator.resident"), Sum("allocator.active")),
            ["rss-overhead.ratio"] = Ratio(Sum("allocator.resident") + Sum("rss-overhead.bytes"), Sum("allocator.resident")),
            ["fragmentation"] = Ratio(Sum("total.allocated") + Sum("fragmentation.bytes"), Sum("total.allocated")),
        };
        bool resp3 = parent.Resp3;
        ReplyShapes.WritePairsHeader(output, order.Count, resp3);
        foreach (string name in order)
        {
            ReplyShapes.WriteBulk(output, name);
            if (sums.TryGetValue(name, out long sum))
            {
                RespWriter.WriteInteger(output, sum);
            }
            else if (databases.TryGetValue(name, out var database))
            {
                ReplyShapes.WritePairsHeader(output, database.Order.Count, resp3);
                foreach (string field in database.Order)
                {
                    ReplyShapes.WriteBulk(output, field);
                    RespWriter.WriteInteger(output, database.Sums[field]);
                }
            }
            else
            {
                (double total, int count) = fractions[name];
                ReplyShapes.WriteDouble(output, derived.TryGetValue(name, out double value) ? value : total / count, resp3);
            }
        }
    }

    /// <summary>
    /// LATENCY LATEST: one entry per event, as from one server: the time and latency of the newest sample any node
    /// has, and the highest latency any node ever recorded for it.
    /// </summary>
    public static void MergeLatencyLatest(ProxyRequest parent, IBufferWriter<byte> output)
    {
        var order = new List<string>();
        var events = new Dictionary<string, (long Time, long Latest, long Max)>(StringComparer.Ordinal);
        foreach (ProxyRequest child in parent.Children)
        {
            foreach (RespValue entry in ReplyShapes.Parse(child).ItemsOrEmpty)
            {
                IReadOnlyList<RespValue> fields = entry.ItemsOrEmpty;
                if (fields.Count < 4)
                {
                    continue;
                }
                string name = fields[0].Text ?? string.Empty;
                (long time, long latest, long max) = (fields[1].Integer, fields[2].Integer, fields[3].Integer);
                if (events.TryGetValue(name, out var known))
                {
                    bool newer = time > known.Time || (time == known.Time && latest > known.Latest);
                    events[name] = newer ? (time, latest, Math.Max(max, known.Max)) : known with { Max = Math.Max(max, known.Max) };
                }
                else
                {
                    order.Add(name);
                    events[name] = (time, latest, max);
                }
            }
        }
        RespWriter.WriteArrayHeader(output, order.Count);
        foreach (string name in order)
        {
            (long time, long latest, long max) = events[name];
            RespWriter.WriteArrayHeader(output, 4);
            ReplyShapes.WriteBulk(output, name);
            RespWriter.WriteInteger(output, time);
            RespWriter.WriteInteger(output, latest);
            RespWriter.WriteInteger(output, max);
        }
    }

    /// <summary>
    /// LATENCY HISTORY event: every node's samples in time order; samples of the same second are one, with the highest
    /// latency (as Redis folds a second's samples), and the newest <see cref="HistoryLength"/> are kept.
    /// </summary>
    public static void MergeLatencyHistory(ProxyRequest parent, IBufferWriter<byte> output)
    {
        var samples = new SortedDictionary<long, long>();
        foreach (ProxyRequest child in parent.Children)
        {
            foreach (RespValue sample in ReplyShapes.Parse(child).ItemsOrEmpty)
            {
                IReadOnlyList<RespValue> fields = sample.ItemsOrEmpty;
                if (fields.Count >= 2)
                {
                    samples[fields[0].Integer] = Math.Max(samples.GetValueOrDefault(fields[0].Integer), fields[1].Integer);
                }
            }
        }
        int skip = Math.Max(0, samples.Count - HistoryLength);
        RespWriter.WriteArrayHeader(output, samples.Count - skip);
        foreach ((long time, long latency) in samples)
        {
            if (skip-- > 0)
            {
                continue;
            }
            RespWriter.WriteArrayHeader(output, 2);
            RespWriter.WriteInteger(output, time);
            RespWriter.WriteInteger(output, latency);
        }
    }

    /// <summary>
    /// LATENCY HISTOGRAM: per command, the calls summed over the primaries and one cumulative histogram: at each bucket
    /// any primary reports, the sum over the primaries of the calls that took at most that long (a node's count below
    /// its first bucket is 0, above its last its total).
    /// </summary>
    public static void MergeLatencyHistogram(ProxyRequest parent, IBufferWriter<byte> output)
    {
        var order = new List<string>();
        var commands = new Dictionary<string, List<(long Calls, SortedDictionary<long, long> Cumulative)>>(StringComparer.Ordinal);
        foreach (ProxyRequest child in parent.Children)
        {
            IReadOnlyList<RespValue> items = ReplyShapes.Parse(child).ItemsOrEmpty;
            for (int i = 0; i + 1 < items.Count; i += 2)
            {
                string name = items[i].Text ?? string.Empty;
                if (!commands.TryGetValue(name, out var perNode))
                {
                    order.Add(name);
                    commands[name] = perNode = [];
                }
                IReadOnlyList<RespValue> fields = items[i + 1].ItemsOrEmpty;
                long calls = 0;
                var cumulative = new SortedDictionary<long, long>();
                for (int f = 0; f + 1 < fields.Count; f += 2)
                {
                    if (fields[f].Text == "calls")
                    {
                        calls = fields[f + 1].Integer;
                    }
                    else if (fields[f].Text == "histogram_usec")
                    {
                        IReadOnlyList<RespValue> buckets = fields[f + 1].ItemsOrEmpty;
                        for (int b = 0; b + 1 < buckets.Count; b += 2)
                        {
                            cumulative[buckets[b].Integer] = buckets[b + 1].Integer;
                        }
                    }
                }
                perNode.Add((calls, cumulative));
            }
        }
        bool resp3 = parent.Resp3;
        ReplyShapes.WritePairsHeader(output, order.Count, resp3);
        foreach (string name in order)
        {
            var perNode = commands[name];
            var buckets = new SortedSet<long>();
            long calls = 0;
            foreach ((long nodeCalls, SortedDictionary<long, long> cumulative) in perNode)
            {
                calls += nodeCalls;
                buckets.UnionWith(cumulative.Keys);
            }
            ReplyShapes.WriteBulk(output, name);
            ReplyShapes.WritePairsHeader(output, 2, resp3);
            ReplyShapes.WriteBulk(output, "calls");
            RespWriter.WriteInteger(output, calls);
            ReplyShapes.WriteBulk(output, "histogram_usec");
            ReplyShapes.WritePairsHeader(output, buckets.Count, resp3);
            foreach (long bucket in buckets)
            {
                long total = 0;
                foreach ((_, SortedDictionary<long, long> cumulative) in perNode)
                {
                    total += CountAtMost(cumulative, bucket);
                }
                RespWriter.WriteInteger(output, bucket);
                RespWriter.WriteInteger(output, total);
            }
        }
    }

    /// <summary>
    /// FUNCTION STATS of the chosen primary in the client's protocol: under RESP3 a map of running_script (null or a
    /// map of name, command and duration_ms) and engines (a map of each engine's map of counts), as Redis answers.
    /// </summary>
    public static void WriteFunctionStats(ProxyRequest chosen, bool resp3, IBufferWriter<byte> output)
    {
        if (!resp3)
        {
            output.Write(chosen.Reply.Span);
            return;
        }
        IReadOnlyList<RespValue> items = ReplyShapes.Parse(chosen).ItemsOrEmpty;
        ReplyShapes.WritePairsHeader(output, items.Count / 2, resp3: true);
        for (int i = 0; i + 1 < items.Count; i += 2)
        {
            RespValue value = items[i + 1];
            ReplyShapes.WriteValue(output, items[i], resp3: true);
            if (value.IsNull || value.Type != '*')
            {
                ReplyShapes.WriteValue(output, value, resp3: true);
            }
            else if (items[i].Text == "engines")
            {
                IReadOnlyList<RespValue> engines = value.ItemsOrEmpty;
                ReplyShapes.WritePairsHeader(output, engines.Count / 2, resp3: true);
                for (int e = 0; e + 1 < engines.Count; e += 2)
                {
                    ReplyShapes.WriteValue(output, engines[e], resp3: true);
                    ReplyShapes.WritePairs(output, engines[e + 1], resp3: true);
                }
            }
            else
            {
                ReplyShapes.WritePairs(output, value, resp3: true);
            }
        }
    }

    /// <summary>A node's cumulative count at <paramref name="bucket"/>: that of its highest bucket not above it.</summary>
    private static long CountAtMost(SortedDictionary<long, long> cumulative, long bucket)
    {
        long count = 0;
        foreach ((long key, long value) in cumulative)
        {
            if (key > bucket)
            {
                break;
            }
            count = value;
        }
        return count;
    }
}
