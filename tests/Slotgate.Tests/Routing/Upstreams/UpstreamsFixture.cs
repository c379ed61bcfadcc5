namespace Slotgate.Tests.Routing.Upstreams;

/// <summary>A second Redis Cluster (3 primaries, no replicas) and three standalone servers, beside the proxy collection's cluster.</summary>
public sealed class UpstreamsFixture : IAsyncLifetime
{
    private LocalRedisCluster? _second;

    internal LocalRedisCluster Second => _second!;

    internal RedisServerFixture[] Standalone { get; } = new RedisServerFixture[3];

    /// <summary>A loopback port nothing listens on, for a dead upstream.</summary>
    public int DeadPort { get; } = FreePort.Next();

    public async Task InitializeAsync()
    {
        for (int i = 0; i < Standalone.Length; i++)
        {
            Standalone[i] = new RedisServerFixture();
        }
        _second = await LocalRedisCluster.StartAsync(TestClusterOptions.Fast with { ReplicasPerPrimary = 0 });
    }

    public async Task DisposeAsync()
    {
        if (_second is not null)
        {
            await _second.DisposeAsync();
        }
        foreach (RedisServerFixture server in Standalone)
        {
            server?.Dispose();
        }
    }
}
