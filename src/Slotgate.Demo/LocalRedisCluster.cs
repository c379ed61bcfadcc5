using System.Globalization;
using System.Text;
using Slotgate.Protocol;

namespace Slotgate.Demo;

/// <summary>
/// A real Redis Cluster of local redis-server processes on 127.0.0.1, for <c>slotgate demo</c> and for tests. It builds
/// the cluster itself (SET-CONFIG-EPOCH, ADDSLOTSRANGE, MEET, REPLICATE) rather than through <c>redis-cli --cluster</c>, so
/// only the redis-server package is needed and every step can report exactly what failed.
/// <para>
/// Tests that kill, fail over or migrate should own an instance: <c>await using var cluster = await
/// LocalRedisCluster.StartAsync(options, ct);</c>. Roles in <see cref="Primaries"/>/<see cref="Replicas"/> are those of the
/// last topology read; call <see cref="WaitForConvergenceAsync"/> or <see cref="RefreshAsync"/> after changing the cluster.
/// </para>
/// </summary>
internal sealed class LocalRedisCluster : IAsyncDisposable
{
    /// <summary>How long slot owners may disagree after a migration before <see cref="RepairSlotOwnersAsync"/> steps in.</summary>
    private static readonly TimeSpan RepairAfter = TimeSpan.FromSeconds(5);

    private readonly bool _ownsDirectory;
    private int _disposed;

    private LocalRedisCluster(LocalClusterOptions options, string directory, bool ownsDirectory, IReadOnlyList<LocalRedisNode> nodes)
    {
        Options = options;
        WorkingDirectory = directory;
        _ownsDirectory = ownsDirectory;
        _nodes = [.. nodes];
    }

    private readonly List<LocalRedisNode> _nodes;

    public LocalClusterOptions Options { get; }

    public string WorkingDirectory { get; }

    /// <summary>All nodes in port order. Initially the first <c>Primaries</c> are primaries and the rest their replicas.</summary>
    public IReadOnlyList<LocalRedisNode> Nodes => _nodes;

    public IReadOnlyList<LocalRedisNode> Primaries => [.. Nodes.Where(n => n.Role == LocalNodeRole.Primary)];

    public IReadOnlyList<LocalRedisNode> Replicas => [.. Nodes.Where(n => n.Role == LocalNodeRole.Replica)];

    /// <summary><c>127.0.0.1:port</c> of every node: what a client or the proxy is given as seeds.</summary>
    public IReadOnlyList<string> SeedEndpoints => [.. Nodes.Select(n => n.Endpoint)];

    public static async Task<LocalRedisCluster> StartAsync(LocalClusterOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        IReadOnlyList<string> errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid local cluster options: " + string.Join(" ", errors), nameof(options));
        }
        string serverPath = RedisServerLocator.Locate(options.RedisServerPath);
        int basePort = options.BasePort ?? LocalPortAllocator.ReserveRedisPorts(options.NodeCount);
        if (options.BasePort is not null)
        {
            await LocalPortAllocator.WaitForRedisPortsAsync(basePort, options.NodeCount, options.PortWaitTimeout, ct).ConfigureAwait(false);
        }
        bool ownsDirectory = options.WorkingDirectory is null;
        string directory = options.WorkingDirectory is null
            ? System.IO.Directory.CreateTempSubdirectory("slotgate-cluster-").FullName
            : Path.GetFullPath(options.WorkingDirectory);

        var nodes = new List<LocalRedisNode>();
        for (int i = 0; i < options.NodeCount; i++)
        {
            int port = basePort + i;
            string nodeDir = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"node-{port}"));
            if (!ownsDirectory && System.IO.Directory.Exists(nodeDir))
            {
                System.IO.Directory.Delete(nodeDir, recursive: true);
            }
            nodes.Add(new LocalRedisNode(i, port, nodeDir, serverPath, options.CommandTimeout) { Password = options.Password, Tls = options.Tls });
        }

        var cluster = new LocalRedisCluster(options, directory, ownsDirectory, nodes);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(options.StartTimeout);
        try
        {
            await cluster.CreateAsync(deadline.Token).ConfigureAwait(false);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs a command on <paramref name="node"/> and returns the reply as redis-cli prints it.</summary>
    public Task<string> ExecuteAsync(LocalRedisNode node, params string[] args) => ExecuteAsync(node, args, CancellationToken.None);

    public Task<string> ExecuteAsync(LocalRedisNode node, string[] args, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.ExecuteAsync(args, ct);
    }

    public LocalRedisNode GetNodeById(string nodeId) =>
        Nodes.FirstOrDefault(n => n.NodeId == nodeId) ?? throw new LocalClusterException($"find node: no node has id {nodeId}.");

    public LocalRedisNode GetNodeByPort(int port) =>
        Nodes.FirstOrDefault(n => n.Port == port) ?? throw new LocalClusterException($"find node: no node listens on port {port}.");

    /// <summary>The primary currently following <paramref name="replica"/>'s primary, as of the last topology read.</summary>
    public LocalRedisNode GetPrimaryOf(LocalRedisNode replica)
    {
        ArgumentNullException.ThrowIfNull(replica);
        return replica.PrimaryNodeId is string id
            ? GetNodeById(id)
            : throw new LocalClusterException($"find primary: {replica.Endpoint} is not a replica in the last topology read.");
    }

    /// <summary>The replicas of <paramref name="primary"/> as of the last topology read.</summary>
    public IReadOnlyList<LocalRedisNode> GetReplicasOf(LocalRedisNode primary)
    {
        ArgumentNullException.ThrowIfNull(primary);
        return [.. Nodes.Where(n => n.Role == LocalNodeRole.Replica && n.PrimaryNodeId == primary.NodeId)];
    }

    /// <summary>Re-reads every node's role from one running node's CLUSTER NODES, without waiting for agreement.</summary>
    public async Task RefreshAsync(CancellationToken ct = default)
    {
        LocalRedisNode viewer = Nodes.FirstOrDefault(n => n.IsRunning) ?? throw new LocalClusterException("refresh topology: no node is running.");
        string text = await viewer.ExecuteAsync(["CLUSTER", "NODES"], ct).ConfigureAwait(false);
        ApplyView(ClusterNodesEntry.ParseAll(text));
    }

    /// <summary>
    /// Waits until the running nodes agree on slots and roles, all slots are served by running primaries and running
    /// replicas are in sync (see <see cref="ClusterConvergence"/>), then updates the nodes' roles.
    /// </summary>
    public Task WaitForConvergenceAsync(CancellationToken ct = default) => WaitForConvergenceAsync("wait for convergence", Options.OperationTimeout, ct);

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

    /// <summary>FLUSHALL on every running primary; replicas follow through replication.</summary>
    public async Task FlushAllAsync(CancellationToken ct = default)
    {
        foreach (LocalRedisNode primary in Primaries.Where(n => n.IsRunning))
        {
            await primary.ExecuteAsync(["FLUSHALL"], ct).ConfigureAwait(false);
        }
    }

    /// <summary>Kills every node, then deletes the working directory if the cluster created it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        foreach (LocalRedisNode node in Nodes)
        {
            await node.StopAsync().ConfigureAwait(false);
        }
        if (_ownsDirectory)
        {
            try
            {
                System.IO.Directory.Delete(WorkingDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp directory is harmless; failing a test run over it would not be.
            }
        }
    }

    /// <summary>The last lines of every node's log, for failure messages.</summary>
    public string LogTails(int linesPerNode = 8)
    {
        var builder = new StringBuilder();
        foreach (LocalRedisNode node in Nodes)
        {
            builder.Append(node.LogTail(linesPerNode));
        }
        return builder.ToString();
    }

    internal async Task RunStepAsync(string step, LocalRedisNode node, string[] args, CancellationToken ct)
    {
        try
        {
            await node.ExecuteAsync(args, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisErrorReplyException or IOException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw new LocalClusterException($"{step}: {ex.Message}\n{node.LogTail()}", ex);
        }
    }

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

    /// <summary>
    /// Calls <paramref name="check"/> every 100 ms until it returns null. Errors from nodes (refused connections during a
    /// restart, -CLUSTERDOWN during a failover) count as "not yet", and the last reason goes into the timeout message.
    /// </summary>
    internal async Task PollAsync(string step, TimeSpan timeout, Func<CancellationToken, Task<string?>> check, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        string last = "not checked yet";
        while (true)
        {
            try
            {
                string? reason = await check(deadline.Token).ConfigureAwait(false);
                if (reason is null)
                {
                    return;
                }
                last = reason;
                await Task.Delay(100, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is RedisErrorReplyException or IOException or TimeoutException or System.Net.Sockets.SocketException or FormatException)
            {
                last = ex.Message;
                try
                {
                    await Task.Delay(100, deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    break;
                }
            }
        }
        throw new LocalClusterException(
            $"{step}: not done within {timeout.TotalSeconds:0.#} s; last observation: {last}\n{LogTails()}");
    }

    private async Task CreateAsync(CancellationToken ct)
    {
        foreach (LocalRedisNode node in Nodes)
        {
            node.WriteConfig(Options.NodeTimeout);
        }
        await Task.WhenAll(Nodes.Select(n => n.StartAsync(ct))).ConfigureAwait(false);
        foreach (LocalRedisNode node in Nodes)
        {
            node.NodeId = (await node.ExecuteAsync(["CLUSTER", "MYID"], ct).ConfigureAwait(false)).Trim();
            // Distinct epochs up front, as redis-cli does, so the cluster does not spend seconds resolving collisions.
            await RunStepAsync($"create cluster: SET-CONFIG-EPOCH on {node.Endpoint}", node,
                ["CLUSTER", "SET-CONFIG-EPOCH", (node.Index + 1).ToString(CultureInfo.InvariantCulture)], ct).ConfigureAwait(false);
        }

        int primaries = Options.Primaries;
        for (int i = 0; i < primaries; i++)
        {
            int start = (int)((long)ClusterConvergence.SlotCount * i / primaries);
            int end = (int)((long)ClusterConvergence.SlotCount * (i + 1) / primaries) - 1;
            await RunStepAsync($"create cluster: ADDSLOTSRANGE {start} {end} on {Nodes[i].Endpoint}", Nodes[i],
                ["CLUSTER", "ADDSLOTSRANGE", start.ToString(CultureInfo.InvariantCulture), end.ToString(CultureInfo.InvariantCulture)], ct).ConfigureAwait(false);
        }

        foreach (LocalRedisNode node in Nodes.Skip(1))
        {
            await RunStepAsync($"create cluster: MEET {node.Endpoint} from {Nodes[0].Endpoint}", Nodes[0],
                ["CLUSTER", "MEET", node.Host, node.Port.ToString(CultureInfo.InvariantCulture)], ct).ConfigureAwait(false);
        }
        await WaitUntilAllKnowAsync("create cluster", Options.StartTimeout, ct).ConfigureAwait(false);

        // Replica j of primary i is node Primaries + i * ReplicasPerPrimary + j: each primary's replicas sit together.
        for (int i = 0; i < primaries; i++)
        {
            for (int j = 0; j < Options.ReplicasPerPrimary; j++)
            {
                LocalRedisNode replica = Nodes[primaries + (i * Options.ReplicasPerPrimary) + j];
                await RunStepAsync($"create cluster: REPLICATE {Nodes[i].Endpoint} on {replica.Endpoint}", replica,
                    ["CLUSTER", "REPLICATE", Nodes[i].NodeId], ct).ConfigureAwait(false);
            }
        }
        await WaitForConvergenceAsync("create cluster: wait for convergence", Options.StartTimeout, ct).ConfigureAwait(false);
    }

    private void ApplyView(IReadOnlyList<ClusterNodesEntry> view)
    {
        foreach (ClusterNodesEntry entry in view)
        {
            LocalRedisNode? node = Nodes.FirstOrDefault(n => n.NodeId == entry.Id);
            if (node is null)
            {
                continue;
            }
            node.Role = entry.IsPrimary ? LocalNodeRole.Primary : entry.IsReplica ? LocalNodeRole.Replica : LocalNodeRole.Unknown;
            node.PrimaryNodeId = entry.IsReplica ? entry.PrimaryId : null;
        }
    }
}
