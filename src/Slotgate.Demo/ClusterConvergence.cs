using System.Globalization;
using System.Text;
using Slotgate.Protocol;

namespace Slotgate.Demo;

/// <summary>
/// Decides whether the running nodes of a local cluster have settled: every one says <c>cluster_state:ok</c> with all
/// 16384 slots assigned and none failing, they return the same <c>CLUSTER SLOTS</c> map whose owners are all running,
/// they agree on every node's role, none suspects a running node, and every running replica's link to its primary is up.
/// Each check returns why it is not settled yet, so a timeout can say what was still wrong.
/// </summary>
internal static class ClusterConvergence
{
    public const int SlotCount = 16384;

    /// <summary>Null when converged (and <paramref name="agreedView"/> set), otherwise the first reason it is not.</summary>
    public static async Task<(string? Reason, IReadOnlyList<ClusterNodesEntry> AgreedView)> CheckAsync(
        IReadOnlyList<LocalRedisNode> nodes, CancellationToken ct)
    {
        List<LocalRedisNode> running = [.. nodes.Where(n => n.IsRunning)];
        if (running.Count == 0)
        {
            return ("no node is running", []);
        }
        var runningIds = running.Select(n => n.NodeId).ToHashSet(StringComparer.Ordinal);
        var runningPorts = running.Select(n => n.Port).ToHashSet();
        string? referenceSlots = null;
        string? referenceRoles = null;
        IReadOnlyList<ClusterNodesEntry> referenceView = [];
        foreach (LocalRedisNode node in running)
        {
            string info = await node.ExecuteAsync(["CLUSTER", "INFO"], ct).ConfigureAwait(false);
            if (ReadInfoField(info, "cluster_state") != "ok")
            {
                return ($"{node.Endpoint} reports cluster_state:{ReadInfoField(info, "cluster_state")}", []);
            }
            foreach ((string field, string expected) in new[] { ("cluster_slots_assigned", "16384"), ("cluster_slots_fail", "0"), ("cluster_slots_pfail", "0") })
            {
                string? actual = ReadInfoField(info, field);
                if (actual != expected)
                {
                    return ($"{node.Endpoint} reports {field}:{actual}, expected {expected}", []);
                }
            }

            IReadOnlyList<ClusterNodesEntry> view = ClusterNodesEntry.ParseAll(await node.ExecuteAsync(["CLUSTER", "NODES"], ct).ConfigureAwait(false));
            if (view.Count != nodes.Count)
            {
                return ($"{node.Endpoint} knows {view.Count} nodes, expected {nodes.Count}", []);
            }
            ClusterNodesEntry? suspect = view.FirstOrDefault(e => runningIds.Contains(e.Id) && e.IsSuspect);
            if (suspect is not null)
            {
                return ($"{node.Endpoint} flags running node :{suspect.Port} as {string.Join(',', suspect.Flags)}", []);
            }
            string roles = string.Join(';', view.OrderBy(e => e.Id, StringComparer.Ordinal).Select(e => $"{e.Id}={(e.IsPrimary ? "primary" : "replica of " + e.PrimaryId)}"));
            if (referenceRoles is null)
            {
                referenceRoles = roles;
                referenceView = view;
            }
            else if (roles != referenceRoles)
            {
                return ($"{node.Endpoint} disagrees with {running[0].Endpoint} about node roles", []);
            }

            RespValue slotsReply = await node.SendAsync(["CLUSTER", "SLOTS"], ct).ConfigureAwait(false);
            (string slots, string? slotProblem) = NormalizeSlots(slotsReply, runningPorts);
            if (slotProblem is not null)
            {
                return ($"{node.Endpoint}: {slotProblem}", []);
            }
            if (referenceSlots is null)
            {
                referenceSlots = slots;
            }
            else if (slots != referenceSlots)
            {
                return ($"{node.Endpoint} returns a different CLUSTER SLOTS map than {running[0].Endpoint}", []);
            }

            ClusterNodesEntry self = view.First(e => e.IsMyself);
            if (self.IsReplica)
            {
                if (self.PrimaryId is null || !runningIds.Contains(self.PrimaryId))
                {
                    return ($"replica {node.Endpoint} follows a primary that is not running", []);
                }
                string replication = await node.ExecuteAsync(["INFO", "replication"], ct).ConfigureAwait(false);
                if (ReadInfoField(replication, "master_link_status") != "up")
                {
                    return ($"replica {node.Endpoint} has master_link_status:{ReadInfoField(replication, "master_link_status")}", []);
                }
            }
        }
        return (null, referenceView);
    }

    /// <summary>Reads <c>field:value</c> from INFO-style text.</summary>
    public static string? ReadInfoField(string info, string field)
    {
        foreach (string line in info.Split('\n', StringSplitOptions.TrimEntries))
        {
            if (line.Length > field.Length && line.StartsWith(field, StringComparison.Ordinal) && line[field.Length] == ':')
            {
                return line[(field.Length + 1)..];
            }
        }
        return null;
    }

    /// <summary>
    /// CLUSTER SLOTS as a canonical string: ranges sorted by start, each with its primary port and sorted replica ports.
    /// Redis lists ranges and replicas in its own dictionary order, which differs between nodes that agree completely.
    /// </summary>
    public static (string Normalized, string? Problem) NormalizeSlots(RespValue reply, IReadOnlySet<int> runningPorts)
    {
        var ranges = new List<(long Start, string Text)>();
        long covered = 0;
        foreach (RespValue range in reply.ItemsOrEmpty)
        {
            IReadOnlyList<RespValue> fields = range.ItemsOrEmpty;
            long start = fields[0].Integer;
            long end = fields[1].Integer;
            covered += end - start + 1;
            int primaryPort = (int)fields[2].ItemsOrEmpty[1].Integer;
            if (!runningPorts.Contains(primaryPort))
            {
                return (string.Empty, $"slots {start}-{end} are owned by :{primaryPort}, which is not running");
            }
            IEnumerable<long> replicaPorts = fields.Skip(3).Select(r => r.ItemsOrEmpty[1].Integer).Order();
            ranges.Add((start, string.Create(CultureInfo.InvariantCulture, $"{start}-{end}:{primaryPort}[{string.Join(',', replicaPorts)}]")));
        }
        if (covered != SlotCount)
        {
            return (string.Empty, $"CLUSTER SLOTS covers {covered} slots, expected {SlotCount}");
        }
        var builder = new StringBuilder();
        foreach ((long _, string text) in ranges.OrderBy(r => r.Start))
        {
            builder.Append(text).Append(' ');
        }
        return (builder.ToString(), null);
    }
}
