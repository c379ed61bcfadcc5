using System.Globalization;

namespace Slotgate.Demo;

/// <summary>Waiting until the nodes agree on the topology, and repairing slot owners that a migration left in dispute.</summary>
internal sealed partial class LocalRedisCluster
{
    /// <summary>How long slot owners may disagree after a migration before <see cref="RepairSlotOwnersAsync"/> steps in.</summary>
    private static readonly TimeSpan RepairAfter = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Waits until the running nodes agree on slots and roles, all slots are served by running primaries and running
    /// replicas are in sync (see <see cref="ClusterConvergence"/>), then updates the nodes' roles.
    /// </summary>
    public Task WaitForConvergenceAsync(CancellationToken ct = default) => WaitForConvergenceAsync("wait for convergence", Options.OperationTimeout, ct);

    internal async Task WaitForConvergenceAsync(string step, TimeSpan timeout, CancellationToken ct, bool repairSlotOwners = false)
    {
        IReadOnlyList<ClusterNodesEntry> agreed = [];
        long repairAt = Environment.TickCount64 + (long)RepairAfter.TotalMilliseconds;
        int repairs = 0, fixes = 0;
        await PollAsync(step, timeout, async token =>
        {
            (string? reason, IReadOnlyList<ClusterNodesEntry> view) = await ClusterConvergence.CheckAsync(Nodes, token).ConfigureAwait(false);
            agreed = view;
            if (reason is not null && repairSlotOwners && Environment.TickCount64 >= repairAt)
            {
                repairAt = Environment.TickCount64 + (long)RepairAfter.TotalMilliseconds;
                repairs++;
                fixes += await RepairSlotOwnersAsync(token).ConfigureAwait(false);
            }
            // Said in the timeout message, so a failure tells whether the repair ran and what it found.
            return reason is null || repairs == 0 ? reason : $"{reason} (slot owners repaired {repairs} times, {fixes} SETSLOT sent)";
        }, ct).ConfigureAwait(false);
        ApplyView(agreed);
    }

    /// <summary>
    /// After migrations, Redis 7.0's epoch bumps without consensus can collide: two primaries end up with the same
    /// configEpoch, the collision handler raises the old owner's, and a primary that missed the hand-over keeps the old
    /// owner for good, since the new owner's claim never beats that epoch. What <c>redis-cli --cluster fix</c> would do:
    /// for each slot that exactly one primary claims as its own, tell every primary that disagrees
    /// (<c>CLUSTER SETSLOT slot NODE owner</c>), then give those owners fresh epochs (<c>CLUSTER BUMPEPOCH</c>) so
    /// gossip carries their claims to the replicas too.
    /// </summary>
    private async Task<int> RepairSlotOwnersAsync(CancellationToken ct)
    {
        int fixes = 0;
        var views = new Dictionary<LocalRedisNode, IReadOnlyList<ClusterNodesEntry>>();
        var claimant = new string?[ClusterConvergence.SlotCount];
        var claims = new int[ClusterConvergence.SlotCount];
        foreach (LocalRedisNode node in _nodes.Where(n => n.IsRunning))
        {
            IReadOnlyList<ClusterNodesEntry> view = ClusterNodesEntry.ParseAll(await node.ExecuteAsync(["CLUSTER", "NODES"], ct).ConfigureAwait(false));
            ClusterNodesEntry self = view.First(e => e.IsMyself);
            if (!self.IsPrimary)
            {
                continue;
            }
            views[node] = view;
            MarkOwner(claimant, self, claims);
        }
        var owners = new HashSet<string>(StringComparer.Ordinal);
        foreach ((LocalRedisNode node, IReadOnlyList<ClusterNodesEntry> view) in views)
        {
            var seen = new string?[ClusterConvergence.SlotCount];
            foreach (ClusterNodesEntry entry in view)
            {
                MarkOwner(seen, entry);
            }
            for (int slot = 0; slot < ClusterConvergence.SlotCount; slot++)
            {
                if (claims[slot] == 1 && seen[slot] != claimant[slot])
                {
                    await node.ExecuteAsync(["CLUSTER", "SETSLOT", slot.ToString(CultureInfo.InvariantCulture), "NODE", claimant[slot]!], ct).ConfigureAwait(false);
                    owners.Add(claimant[slot]!);
                    fixes++;
                }
            }
        }
        foreach (LocalRedisNode owner in views.Keys.Where(n => owners.Contains(n.NodeId)))
        {
            await owner.ExecuteAsync(["CLUSTER", "BUMPEPOCH"], ct).ConfigureAwait(false);
        }
        return fixes;
    }

    /// <summary>Writes <paramref name="entry"/>'s id at each slot it serves, counting each in <paramref name="counts"/> if given.</summary>
    private static void MarkOwner(string?[] owners, ClusterNodesEntry entry, int[]? counts = null)
    {
        foreach ((int start, int end) in entry.Slots)
        {
            owners.AsSpan(start, end - start + 1).Fill(entry.Id);
            for (int slot = start; counts is not null && slot <= end; slot++)
            {
                counts[slot]++;
            }
        }
    }
}
