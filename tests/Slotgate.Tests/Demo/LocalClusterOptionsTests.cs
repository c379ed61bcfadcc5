using Slotgate.Demo;

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
    public async Task StartAsync_MissingRedisServer_ThrowsNamingPackage()
    {
        var options = new LocalClusterOptions { RedisServerPath = Path.Combine(Path.GetTempPath(), "no-such-redis-server") };

        var ex = await Assert.ThrowsAsync<LocalClusterException>(() => LocalRedisCluster.StartAsync(options));

        Assert.Contains("redis-server", ex.Message, StringComparison.Ordinal);
    }
}
