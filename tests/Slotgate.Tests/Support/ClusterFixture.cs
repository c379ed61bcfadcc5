namespace Slotgate.Tests.Support;

/// <summary>
/// One 3-primary/3-replica cluster shared by every test class in the <c>"cluster"</c> collection. Tests in it must leave
/// the topology as they found it: anything that stops nodes, fails over or migrates slots starts its own cluster with
/// <c>await using var cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast, ct);</c>.
/// Data is not isolated between tests: use distinct keys, or call <see cref="ResetAsync"/> first.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private LocalRedisCluster? _cluster;

    internal LocalRedisCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster fixture has not started.");

    /// <summary>Empties every primary (FLUSHALL is cheap on a test dataset) and waits until the cluster is settled.</summary>
    public async Task ResetAsync()
    {
        await Cluster.WaitForConvergenceAsync().ConfigureAwait(false);
        await Cluster.FlushAllAsync().ConfigureAwait(false);
    }

    public async Task InitializeAsync()
    {
        _cluster = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast).ConfigureAwait(false);
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync().ConfigureAwait(false);
        }
    }
}
