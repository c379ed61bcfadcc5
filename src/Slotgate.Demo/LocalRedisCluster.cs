using System.Globalization;
using System.Text;

namespace Slotgate.Demo;

/// <summary>
/// A real Redis Cluster of local redis-server processes on 127.0.0.1, for <c>slotgate-demo</c> and for tests. It builds
/// the cluster itself (SET-CONFIG-EPOCH, ADDSLOTSRANGE, MEET, REPLICATE) rather than through <c>redis-cli --cluster</c>, so
/// only the redis-server package is needed and every step can report exactly what failed.
/// <para>
/// Tests that kill, fail over or migrate should own an instance: <c>await using var cluster = await
/// LocalRedisCluster.StartAsync(options, ct);</c>. Roles in <see cref="Primaries"/>/<see cref="Replicas"/> are those of the
/// last topology read; call <see cref="WaitForConvergenceAsync"/> or <see cref="RefreshAsync"/> after changing the cluster.
/// </para>
/// </summary>
internal sealed partial class LocalRedisCluster : IAsyncDisposable
{
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
