using System.Net;
using System.Net.Sockets;

namespace Slotgate.Tests.Demo;

public sealed class LocalClusterOptionsTests
{
    [Fact]
    public void Validate_Defaults_NoErrors()
    {
        Assert.Empty(new LocalClusterOptions().Validate());
        Assert.Equal(6, new LocalClusterOptions().NodeCount);
    }

    [Fact]
    public void Validate_SeveralBadValues_ReportsEveryOne()
    {
        var options = new LocalClusterOptions { Primaries = 0, ReplicasPerPrimary = -1, NodeTimeout = TimeSpan.Zero, CommandTimeout = TimeSpan.Zero };

        IReadOnlyList<string> errors = options.Validate();

        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Primaries:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("ReplicasPerPrimary:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("NodeTimeout:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("CommandTimeout:", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BasePortTooHighForBusPorts_ReportsBasePort()
    {
        var options = new LocalClusterOptions { BasePort = 60000 };

        Assert.Contains(options.Validate(), e => e.StartsWith("BasePort:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAsync_FixedBusPortHeldByAnotherProcess_ThrowsNamingThePort()
    {
        int port = LocalPortAllocator.ReserveRedisPorts(1);
        int bus = port + LocalClusterOptions.ClusterBusPortOffset;
        using var holder = new TcpListener(IPAddress.Loopback, bus);
        holder.Start();
        var options = new LocalClusterOptions { Primaries = 1, ReplicasPerPrimary = 0, BasePort = port, PortWaitTimeout = TimeSpan.FromMilliseconds(500) };

        var ex = await Assert.ThrowsAsync<LocalClusterException>(() => LocalRedisCluster.StartAsync(options));

        Assert.Contains($"127.0.0.1:{bus} is in use", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_FixedPortFreedWhileWaiting_Starts()
    {
        // As `slotgate-demo` started again right after the previous one stopped: its ports come free a moment later.
        int port = LocalPortAllocator.ReserveRedisPorts(1);
        var holder = new TcpListener(IPAddress.Loopback, port);
        holder.Start();
        _ = Task.Delay(TimeSpan.FromMilliseconds(600)).ContinueWith(_ => holder.Stop(), TaskScheduler.Default);
        var options = new LocalClusterOptions { Primaries = 1, ReplicasPerPrimary = 0, BasePort = port, NodeTimeout = TimeSpan.FromSeconds(2) };

        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(options);

        Assert.Equal($"127.0.0.1:{port}", cluster.SeedEndpoints[0]);
    }

    [Fact]
    public async Task StartAsync_MissingRedisServer_ThrowsNamingPackage()
    {
        var options = new LocalClusterOptions { RedisServerPath = Path.Combine(Path.GetTempPath(), "no-such-redis-server") };

        var ex = await Assert.ThrowsAsync<LocalClusterException>(() => LocalRedisCluster.StartAsync(options));

        Assert.Contains("redis-server", ex.Message, StringComparison.Ordinal);
    }
}
