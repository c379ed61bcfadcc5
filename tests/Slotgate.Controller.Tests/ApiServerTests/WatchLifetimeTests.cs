using System.Diagnostics;
using k8s;
using k8s.Models;
using Slotgate.Controller.Tests.ApiServer;

namespace Slotgate.Controller.Tests.ApiServerTests;

/// <summary>A server that ends watches on its own after a while, as real API servers do.</summary>
public sealed class WatchLifetimeTests : ServerTest
{
    protected override TestApiServerOptions Options => new() { WatchLifetime = TimeSpan.FromMilliseconds(500) };

    [Fact]
    public async Task Watch_WithoutTimeout_EndsAfterTheServersWatchLifetime()
    {
        Server.Create(ConfigMap("default", "a"));
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var clock = Stopwatch.StartNew();
        var seen = new List<WatchEventType>();

        await foreach ((WatchEventType type, V1ConfigMap _) in Admin.CoreV1.WatchListNamespacedConfigMapAsync("default", cancellationToken: cancel.Token))
        {
            seen.Add(type);
        }

        Assert.Equal([WatchEventType.Added], seen);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(5));
    }
}
