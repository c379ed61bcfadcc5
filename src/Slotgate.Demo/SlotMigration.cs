using System.Globalization;
using Slotgate.Protocol;

namespace Slotgate.Demo;

/// <summary>
/// A slot migration opened by <see cref="LocalRedisCluster.BeginSlotMigrationAsync"/>, driven step by step with the
/// sequence from the Redis cluster specification ("Live reconfiguration"): keys move with GETKEYSINSLOT + MIGRATE while the
/// source is MIGRATING and the target IMPORTING; SETSLOT NODE then hands the slot over.
/// </summary>
internal sealed class SlotMigration
{
    private readonly LocalRedisCluster _cluster;

    internal SlotMigration(LocalRedisCluster cluster, int slot, LocalRedisNode source, LocalRedisNode target)
    {
        _cluster = cluster;
        Slot = slot;
        Source = source;
        Target = target;
    }

    public int Slot { get; }

    public LocalRedisNode Source { get; }

    public LocalRedisNode Target { get; }

    public bool IsCompleted { get; private set; }

    /// <summary>Total keys moved so far.</summary>
    public int KeysMoved { get; private set; }

    /// <summary>
    /// Moves up to <paramref name="maxKeys"/> keys of the slot from source to target, <paramref name="batchSize"/> per MIGRATE,
    /// and returns how many moved. Moving fewer than all keys leaves the slot half-migrated on purpose.
    /// </summary>
    public async Task<int> MoveKeysAsync(int maxKeys = int.MaxValue, int batchSize = 100, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(maxKeys);
        string slotText = Slot.ToString(CultureInfo.InvariantCulture);
        int moved = 0;
        while (moved < maxKeys)
        {
            int want = Math.Min(batchSize, maxKeys - moved);
            IReadOnlyList<RespValue> keys = (await SendStepAsync($"GETKEYSINSLOT on {Source.Endpoint}", Source,
                ["CLUSTER", "GETKEYSINSLOT", slotText, want.ToString(CultureInfo.InvariantCulture)], ct).ConfigureAwait(false)).ItemsOrEmpty;
            if (keys.Count == 0)
            {
                break;
            }
            var migrate = new List<string>
            {
                "MIGRATE", Target.Host, Target.Port.ToString(CultureInfo.InvariantCulture), string.Empty, "0",
                ((long)_cluster.Options.CommandTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), "KEYS",
            };
            migrate.AddRange(keys.Select(k => k.Text ?? string.Empty));
            await SendStepAsync($"MIGRATE {keys.Count} keys from {Source.Endpoint} to {Target.Endpoint}", Source, migrate, ct).ConfigureAwait(false);
            moved += keys.Count;
            KeysMoved += keys.Count;
        }
        return moved;
    }

    /// <summary>
    /// Moves any keys still on the source, then assigns the slot with SETSLOT NODE: target first, so that once the source
    /// stops answering -ASK the target already accepts the slot, then the source, then the other primaries (order as in
    /// the CLUSTER SETSLOT documentation). Waits until every running node reports the target as owner and the cluster
    /// has converged.
    /// </summary>
    public async Task CompleteAsync(CancellationToken ct = default)
    {
        if (IsCompleted)
        {
            return;
        }
        await MoveKeysAsync(ct: ct).ConfigureAwait(false);
        string[] setSlot = ["CLUSTER", "SETSLOT", Slot.ToString(CultureInfo.InvariantCulture), "NODE", Target.NodeId];
        await _cluster.RunStepAsync($"finish migration of slot {Slot}: SETSLOT NODE on target {Target.Endpoint}", Target, setSlot, ct).ConfigureAwait(false);
        await _cluster.RunStepAsync($"finish migration of slot {Slot}: SETSLOT NODE on source {Source.Endpoint}", Source, setSlot, ct).ConfigureAwait(false);
        foreach (LocalRedisNode other in _cluster.Primaries.Where(n => n != Target && n != Source && n.IsRunning))
        {
            await _cluster.RunStepAsync($"finish migration of slot {Slot}: SETSLOT NODE on {other.Endpoint}", other, setSlot, ct).ConfigureAwait(false);
        }
        await _cluster.PollAsync($"finish migration of slot {Slot}: wait until every node names {Target.Endpoint} as owner", _cluster.Options.OperationTimeout, async token =>
        {
            foreach (LocalRedisNode node in _cluster.Nodes.Where(n => n.IsRunning))
            {
                ClusterNodesEntry? owner = ClusterNodesEntry.ParseAll(await node.ExecuteAsync(["CLUSTER", "NODES"], token).ConfigureAwait(false))
                    .FirstOrDefault(e => e.Slots.Any(r => r.Start <= Slot && Slot <= r.End));
                if (owner?.Id != Target.NodeId)
                {
                    return $"{node.Endpoint} names {(owner is null ? "no node" : ":" + owner.Port)} as owner";
                }
            }
            return null;
        }, ct).ConfigureAwait(false);
        await _cluster.WaitForConvergenceAsync($"finish migration of slot {Slot}: converge", _cluster.Options.OperationTimeout, ct, repairSlotOwners: true).ConfigureAwait(false);
        IsCompleted = true;
    }

    private async Task<RespValue> SendStepAsync(string step, LocalRedisNode node, IReadOnlyList<string> args, CancellationToken ct)
    {
        try
        {
            return await node.SendAsync(args, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisErrorReplyException or IOException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw new LocalClusterException($"migrate slot {Slot}: {step}: {ex.Message}\n{node.LogTail()}", ex);
        }
    }
}
