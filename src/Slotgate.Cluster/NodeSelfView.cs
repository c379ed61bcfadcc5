using System.Globalization;

namespace Slotgate.Cluster;

/// <summary>
/// What a node says about itself in its <c>CLUSTER NODES</c> output (the line flagged <c>myself</c>): its id, the
/// slots it serves, and whether it is migrating or importing any slot. A node's own line is the only place Redis
/// reports migrations (<c>[slot-&gt;-id]</c> migrating, <c>[slot-&lt;-id]</c> importing, per the CLUSTER NODES
/// "special slot entries"), and its own slots are authoritative, unlike its gossip about others.
/// </summary>
internal sealed record NodeSelfView(string Id, IReadOnlyList<SlotRange> Slots, bool Migrating)
{
    /// <summary>Parses the <c>myself</c> line of a <c>CLUSTER NODES</c> reply's text; null when there is none.</summary>
    public static NodeSelfView? Parse(string clusterNodes)
    {
        foreach (string raw in clusterNodes.Split('\n'))
        {
            string[] fields = raw.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 8 || !fields[2].Split(',').Contains("myself"))
            {
                continue;
            }
            var slots = new List<SlotRange>();
            bool migrating = false;
            for (int i = 8; i < fields.Length; i++)
            {
                string token = fields[i];
                if (token.StartsWith('['))
                {
                    migrating = true;
                    continue;
                }
                int dash = token.IndexOf('-', StringComparison.Ordinal);
                slots.Add(dash < 0
                    ? new SlotRange(ParseSlot(token), ParseSlot(token))
                    : new SlotRange(ParseSlot(token[..dash]), ParseSlot(token[(dash + 1)..])));
            }
            return new NodeSelfView(fields[0], slots, migrating);
        }
        return null;
    }

    private static int ParseSlot(string text) => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
}
