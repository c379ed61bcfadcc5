using System.Globalization;
using Slotgate.Backend;
using Slotgate.Cluster;

namespace Slotgate.Admin;

/// <summary>
/// Slots being migrated right now, read from each primary's own <c>CLUSTER NODES</c> line (<c>[slot-&gt;-target]</c>):
/// the slot map does not carry migrations, and only a node's own line reports them. Asked on demand (the dashboard
/// polls once a second), each node with a short timeout, so a slow node costs the view its entries only.
/// </summary>
internal sealed class MigrationProbe(TopologyRefresher topology, BackendPool pool)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(500);

    public async Task<IReadOnlyList<MigrationDto>> ProbeAsync()
    {
        IReadOnlyList<Shard> shards = topology.Current.Shards;
        var asks = shards.Select(s => AskAsync(s.Primary.Endpoint)).ToList();
        var migrations = new List<MigrationDto>();
        foreach (var ask in asks)
        {
            migrations.AddRange(await ask.ConfigureAwait(false));
        }
        return migrations;
    }

    private async Task<IReadOnlyList<MigrationDto>> AskAsync(string endpoint)
    {
        try
        {
            Protocol.RespValue reply = await pool.ExecuteAsync(endpoint, Timeout, "CLUSTER", "NODES").ConfigureAwait(false);
            return reply.IsError || reply.Text is null ? [] : Parse(endpoint, reply.Text);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or IOException)
        {
            return [];
        }
    }

    internal static IReadOnlyList<MigrationDto> Parse(string endpoint, string clusterNodes)
    {
        var found = new List<MigrationDto>();
        foreach (string raw in clusterNodes.Split('\n'))
        {
            string[] fields = raw.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 9 || !fields[2].Split(',').Contains("myself"))
            {
                continue;
            }
            for (int i = 8; i < fields.Length; i++)
            {
                // [slot->-target] migrating out of this node; importing ([slot-<-source]) is the same move seen from the other side.
                string token = fields[i];
                int arrow = token.IndexOf("->-", StringComparison.Ordinal);
                if (token.StartsWith('[') && arrow > 1 &&
                    int.TryParse(token.AsSpan(1, arrow - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int slot))
                {
                    found.Add(new MigrationDto(slot, endpoint, token[(arrow + 3)..].TrimEnd(']')));
                }
            }
        }
        return found;
    }
}
