using Slotgate.Protocol;

namespace Slotgate.Cluster;

/// <summary>Turns <c>CLUSTER SHARDS</c> (Redis 7+) or <c>CLUSTER SLOTS</c> replies into shards.</summary>
internal static class TopologyParser
{
    /// <summary>
    /// Parses <c>CLUSTER SHARDS</c>: an array of shards, each a flat map with <c>slots</c> (start/end pairs) and
    /// <c>nodes</c> (maps with id, ip, endpoint, port, role, health). Shards that serve no slot are left out.
    /// With <paramref name="tls"/>, each node's <c>tls-port</c> is used where it reports one.
    /// </summary>
    public static IReadOnlyList<Shard> ParseShards(RespValue reply, bool tls = false)
    {
        var shards = new List<Shard>();
        foreach (RespValue shardValue in Items(reply, "CLUSTER SHARDS"))
        {
            RespValue? slots = Field(shardValue, "slots");
            RespValue? nodes = Field(shardValue, "nodes");
            var ranges = new List<SlotRange>();
            if (slots?.Items is { } bounds)
            {
                for (int i = 0; i + 1 < bounds.Count; i += 2)
                {
                    ranges.Add(new SlotRange((int)AsInteger(bounds[i]), (int)AsInteger(bounds[i + 1])));
                }
            }
            if (ranges.Count == 0 || nodes?.Items is null)
            {
                continue;
            }
            ClusterNode? primary = null;
            var replicas = new List<ClusterNode>();
            foreach (RespValue nodeValue in nodes.Items)
            {
                string id = Field(nodeValue, "id")?.Text ?? string.Empty;
                string? host = Field(nodeValue, "endpoint")?.Text;
                if (string.IsNullOrEmpty(host) || host == "?")
                {
                    host = Field(nodeValue, "ip")?.Text;
                }
                // Over TLS the node is reached on its tls-port (a TLS-only node reports no plain port at all).
                RespValue? portValue = tls ? Field(nodeValue, "tls-port") ?? Field(nodeValue, "port") : Field(nodeValue, "port");
                if (string.IsNullOrEmpty(host) || portValue is null)
                {
                    continue;
                }
                string role = Field(nodeValue, "role")?.Text ?? "master";
                string health = Field(nodeValue, "health")?.Text ?? "online";
                var node = new ClusterNode(id, FormatEndpoint(host, AsInteger(portValue)), role == "master", health == "online");
                if (node.IsPrimary && (primary is null || (!primary.Healthy && node.Healthy)))
                {
                    if (primary is not null)
                    {
                        replicas.Add(primary with { IsPrimary = false });
                    }
                    primary = node;
                }
                else
                {
                    replicas.Add(node with { IsPrimary = false });
                }
            }
            if (primary is not null)
            {
                shards.Add(new Shard(primary, replicas, ranges));
            }
        }
        return shards;
    }

    /// <summary>
    /// Parses <c>CLUSTER SLOTS</c>: one entry per slot range, <c>[start, end, primary, replica...]</c>, each node
    /// <c>[host, port, id, ...]</c>. Ranges that share a primary are merged into one shard.
    /// </summary>
    public static IReadOnlyList<Shard> ParseSlots(RespValue reply)
    {
        var byPrimary = new Dictionary<string, (ClusterNode Primary, List<ClusterNode> Replicas, List<SlotRange> Ranges)>();
        var order = new List<string>();
        foreach (RespValue entry in Items(reply, "CLUSTER SLOTS"))
        {
            if (entry.Items is not { Count: >= 3 } parts)
            {
                continue;
            }
            var range = new SlotRange((int)AsInteger(parts[0]), (int)AsInteger(parts[1]));
            ClusterNode? primary = ParseSlotsNode(parts[2], isPrimary: true);
            if (primary is null)
            {
                continue;
            }
            if (!byPrimary.TryGetValue(primary.Endpoint, out var shard))
            {
                shard = (primary, [], []);
                byPrimary[primary.Endpoint] = shard;
                order.Add(primary.Endpoint);
                for (int i = 3; i < parts.Count; i++)
                {
                    if (ParseSlotsNode(parts[i], isPrimary: false) is { } replica)
                    {
                        shard.Replicas.Add(replica);
                    }
                }
            }
            shard.Ranges.Add(range);
        }
        var shards = new List<Shard>(order.Count);
        foreach (string endpoint in order)
        {
            var (primary, replicas, ranges) = byPrimary[endpoint];
            shards.Add(new Shard(primary, replicas, ranges));
        }
        return shards;
    }

    /// <summary>Formats host and port as <c>host:port</c>, bracketing IPv6 addresses.</summary>
    public static string FormatEndpoint(string host, long port) =>
        host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]:{port}" : $"{host}:{port}";

    private static ClusterNode? ParseSlotsNode(RespValue value, bool isPrimary)
    {
        if (value.Items is not { Count: >= 2 } parts || string.IsNullOrEmpty(parts[0].Text) || parts[0].Text == "?")
        {
            return null;
        }
        string id = parts.Count > 2 ? parts[2].Text ?? string.Empty : string.Empty;
        return new ClusterNode(id, FormatEndpoint(parts[0].Text!, AsInteger(parts[1])), isPrimary);
    }

    private static IReadOnlyList<RespValue> Items(RespValue reply, string command) =>
        reply.IsError ? throw new InvalidOperationException($"{command} failed: {reply.Text}")
        : reply.Items ?? throw new InvalidOperationException($"{command} returned no array");

    private static RespValue? Field(RespValue map, string name)
    {
        if (map.Items is not { } items)
        {
            return null;
        }
        for (int i = 0; i + 1 < items.Count; i += 2)
        {
            if (items[i].Text == name)
            {
                return items[i + 1];
            }
        }
        return null;
    }

    private static long AsInteger(RespValue value) =>
        value.Type == ':' ? value.Integer
        : long.TryParse(value.Text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long parsed) ? parsed
        : throw new InvalidOperationException($"expected an integer, got '{value}'");
}
