using System.Globalization;

namespace Slotgate.Demo;

/// <summary>
/// One line of <c>CLUSTER NODES</c>: <c>id ip:port@bus[,hostname] flags primary-id ping pong epoch link slot...</c>
/// (https://redis.io/docs/latest/commands/cluster-nodes/). Only the fields the launcher reasons about are kept;
/// migrating/importing markers (<c>[slot-&gt;-id]</c>) are skipped because ownership is what convergence compares.
/// </summary>
internal sealed record ClusterNodesEntry(
    string Id,
    int Port,
    IReadOnlySet<string> Flags,
    string? PrimaryId,
    bool LinkConnected,
    IReadOnlyList<(int Start, int End)> Slots)
{
    public bool IsMyself => Flags.Contains("myself");

    public bool IsPrimary => Flags.Contains("master");

    public bool IsReplica => Flags.Contains("slave");

    /// <summary>Flags that mean the viewer does not (yet) consider this node a healthy member.</summary>
    public bool IsSuspect => Flags.Contains("fail") || Flags.Contains("fail?") || Flags.Contains("handshake") || Flags.Contains("noaddr");

    public static IReadOnlyList<ClusterNodesEntry> ParseAll(string text)
    {
        var entries = new List<ClusterNodesEntry>();
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            entries.Add(Parse(line));
        }
        return entries;
    }

    public static ClusterNodesEntry Parse(string line)
    {
        string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 8)
        {
            throw new FormatException($"CLUSTER NODES line has {fields.Length} fields, expected at least 8: '{line}'.");
        }
        string address = fields[1];
        int at = address.IndexOf('@', StringComparison.Ordinal);
        string hostPort = at >= 0 ? address[..at] : address;
        int colon = hostPort.LastIndexOf(':');
        int port = int.Parse(hostPort[(colon + 1)..], CultureInfo.InvariantCulture);
        var flags = new HashSet<string>(fields[2].Split(','), StringComparer.Ordinal);
        string? primary = fields[3] == "-" ? null : fields[3];
        var slots = new List<(int, int)>();
        for (int i = 8; i < fields.Length; i++)
        {
            string slot = fields[i];
            if (slot.StartsWith('['))
            {
                continue;
            }
            int dash = slot.IndexOf('-', StringComparison.Ordinal);
            slots.Add(dash < 0
                ? (int.Parse(slot, CultureInfo.InvariantCulture), int.Parse(slot, CultureInfo.InvariantCulture))
                : (int.Parse(slot[..dash], CultureInfo.InvariantCulture), int.Parse(slot[(dash + 1)..], CultureInfo.InvariantCulture)));
        }
        return new ClusterNodesEntry(fields[0], port, flags, primary, fields[7] == "connected", slots);
    }
}
