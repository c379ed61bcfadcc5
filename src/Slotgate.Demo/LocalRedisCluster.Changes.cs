using System.Globalization;
using Slotgate.Protocol;

namespace Slotgate.Demo;

/// <summary>Changing a running cluster: failovers, slot ownership and migrations, and adding or removing primaries.</summary>
internal sealed partial class LocalRedisCluster
{
    /// <summary>
    /// Runs CLUSTER FAILOVER on <paramref name="replica"/> and waits until it is a primary and the cluster has converged.
    /// <paramref name="force"/> sends FAILOVER FORCE, for when the current primary is down and cannot take part.
    /// </summary>
    public async Task FailoverAsync(LocalRedisNode replica, bool force = false, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(replica);
        string[] command = force ? ["CLUSTER", "FAILOVER", "FORCE"] : ["CLUSTER", "FAILOVER"];
        await replica.ExecuteAsync(command, ct).ConfigureAwait(false);
        DateTime lastRequest = DateTime.UtcNow;
        await PollAsync($"failover to {replica.Endpoint}", Options.OperationTimeout, async token =>
        {
            IReadOnlyList<ClusterNodesEntry> view = ClusterNodesEntry.ParseAll(await replica.ExecuteAsync(["CLUSTER", "NODES"], token).ConfigureAwait(false));
            if (view.First(e => e.IsMyself).IsPrimary)
            {
                return null;
            }
            // A manual failover that cannot finish (the replica was still catching up) is abandoned by Redis after
            // CLUSTER_MF_TIMEOUT (5 s); asking again is what an operator would do.
            if (DateTime.UtcNow - lastRequest > TimeSpan.FromSeconds(6))
            {
                await replica.ExecuteAsync(command, token).ConfigureAwait(false);
                lastRequest = DateTime.UtcNow;
            }
            return $"{replica.Endpoint} is still a replica";
        }, ct).ConfigureAwait(false);
        await WaitForConvergenceAsync($"converge after failover to {replica.Endpoint}", Options.OperationTimeout, ct).ConfigureAwait(false);
    }

    /// <summary>The primary that owns <paramref name="slot"/> according to the first running node's CLUSTER SLOTS.</summary>
    public async Task<LocalRedisNode> GetSlotOwnerAsync(int slot, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slot, ClusterConvergence.SlotCount);
        LocalRedisNode viewer = Nodes.FirstOrDefault(n => n.IsRunning) ?? throw new LocalClusterException("find slot owner: no node is running.");
        RespValue slots = await viewer.SendAsync(["CLUSTER", "SLOTS"], ct).ConfigureAwait(false);
        foreach (RespValue range in slots.ItemsOrEmpty)
        {
            IReadOnlyList<RespValue> fields = range.ItemsOrEmpty;
            if (fields[0].Integer <= slot && slot <= fields[1].Integer)
            {
                return GetNodeByPort((int)fields[2].ItemsOrEmpty[1].Integer);
            }
        }
        throw new LocalClusterException($"find slot owner: {viewer.Endpoint} reports no owner for slot {slot}.");
    }

    /// <summary>
    /// Opens the migration of <paramref name="slot"/> to <paramref name="target"/> (IMPORTING on the target, then MIGRATING
    /// on the source, the order redis-cli uses) and returns a handle to move keys and finish step by step, so a test can act
    /// while the slot is half-migrated and the source answers -ASK for keys it no longer has.
    /// </summary>
    public async Task<SlotMigration> BeginSlotMigrationAsync(int slot, LocalRedisNode target, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        LocalRedisNode source = await GetSlotOwnerAsync(slot, ct).ConfigureAwait(false);
        if (source == target)
        {
            throw new LocalClusterException($"begin migration of slot {slot}: {target.Endpoint} already owns it.");
        }
        string slotText = slot.ToString(CultureInfo.InvariantCulture);
        await RunStepAsync($"begin migration of slot {slot}: SETSLOT IMPORTING on {target.Endpoint}", target,
            ["CLUSTER", "SETSLOT", slotText, "IMPORTING", source.NodeId], ct).ConfigureAwait(false);
        await RunStepAsync($"begin migration of slot {slot}: SETSLOT MIGRATING on {source.Endpoint}", source,
            ["CLUSTER", "SETSLOT", slotText, "MIGRATING", target.NodeId], ct).ConfigureAwait(false);
        return new SlotMigration(this, slot, source, target);
    }

    /// <summary>Moves <paramref name="slot"/> and all its keys to <paramref name="target"/>, then waits until every node agrees.</summary>
    public async Task MigrateSlotAsync(int slot, LocalRedisNode target, CancellationToken ct = default)
    {
        SlotMigration migration = await BeginSlotMigrationAsync(slot, target, ct).ConfigureAwait(false);
        await migration.MoveKeysAsync(ct: ct).ConfigureAwait(false);
        await migration.CompleteAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts one more node and joins it to the cluster as a primary without slots (as <c>redis-cli --cluster add-node</c>
    /// does); move slots to it with <see cref="MigrateSlotAsync"/>.
    /// </summary>
    public async Task<LocalRedisNode> AddPrimaryAsync(CancellationToken ct = default)
    {
        int port = LocalPortAllocator.ReserveRedisPorts(1);
        string nodeDir = Path.Combine(WorkingDirectory, string.Create(CultureInfo.InvariantCulture, $"node-{port}"));
        var node = new LocalRedisNode(_nodes.Count, port, nodeDir, RedisServerLocator.Locate(Options.RedisServerPath), Options.CommandTimeout)
        {
            Password = Options.Password,
            Tls = Options.Tls,
        };
        node.WriteConfig(Options.NodeTimeout);
        await node.StartAsync(ct).ConfigureAwait(false);
        node.NodeId = (await node.ExecuteAsync(["CLUSTER", "MYID"], ct).ConfigureAwait(false)).Trim();
        // Without this, once its last slot is moved back the node turns itself into a replica of the new owner, and
        // can do so before the migration's own SETSLOT NODE reaches it ("Please use SETSLOT only with masters").
        await RunStepAsync($"add node: keep {node.Endpoint} a primary when empty", node,
            ["CONFIG", "SET", "cluster-allow-replica-migration", "no"], ct).ConfigureAwait(false);
        LocalRedisNode introducer = _nodes.First(n => n.IsRunning);
        await RunStepAsync($"add node: MEET {node.Endpoint} from {introducer.Endpoint}", introducer,
            ["CLUSTER", "MEET", node.Host, port.ToString(CultureInfo.InvariantCulture)], ct).ConfigureAwait(false);
        _nodes.Add(node);
        await WaitUntilAllKnowAsync("add node", Options.OperationTimeout, ct).ConfigureAwait(false);
        await WaitForConvergenceAsync($"add node {node.Endpoint}: wait for convergence", Options.OperationTimeout, ct).ConfigureAwait(false);
        return node;
    }

    /// <summary>Removes a primary that serves no slots: every other node forgets it, then it is stopped.</summary>
    public async Task RemoveNodeAsync(LocalRedisNode node, CancellationToken ct = default)
    {
        _nodes.Remove(node);
        foreach (LocalRedisNode other in _nodes.Where(n => n.IsRunning))
        {
            await RunStepAsync($"remove node: FORGET {node.Endpoint} on {other.Endpoint}", other,
                ["CLUSTER", "FORGET", node.NodeId], ct).ConfigureAwait(false);
        }
        await node.StopAsync(ct).ConfigureAwait(false);
        await WaitUntilAllKnowAsync("remove node", Options.OperationTimeout, ct).ConfigureAwait(false);
    }

    private Task WaitUntilAllKnowAsync(string step, TimeSpan timeout, CancellationToken ct) =>
        PollAsync($"{step}: wait for every node to know every other", timeout, async token =>
        {
            foreach (LocalRedisNode node in _nodes.Where(n => n.IsRunning))
            {
                IReadOnlyList<ClusterNodesEntry> view = ClusterNodesEntry.ParseAll(await node.ExecuteAsync(["CLUSTER", "NODES"], token).ConfigureAwait(false));
                int known = view.Count(e => !e.Flags.Contains("handshake"));
                if (known != _nodes.Count)
                {
                    return $"{node.Endpoint} knows {known} of {_nodes.Count} nodes";
                }
            }
            return null;
        }, ct);
}
