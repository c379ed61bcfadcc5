using System.Net.Sockets;
using Slotgate.Tests.Support;

namespace Slotgate.Tests.Proxy;

/// <summary>
/// PUBLISH's receiver count (the channel looked up, every pattern subscribed through Slotgate matched) and its relay to
/// a primary allocate nothing per command once warm. Runs in the allocation collection, alone.
/// </summary>
[Collection(SteadyStateAllocationTests.Name)]
public class PubSubPublishAllocationTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int PerSend = 250;

    [Fact]
    public async Task Publish_100kPipelinedWithPatternSubscribers_AllocatesNothingPerCommand()
    {
        await using var cluster = await Slotgate.Demo.LocalRedisCluster.StartAsync(TestClusterOptions.Fast with { ReplicasPerPrimary = 0 });
        await using Slotgate.Hosting.SlotgateServer server = await ProxyFixture.StartProxyAsync(cluster, o => o with
        {
            Io = new Slotgate.Configuration.IoOptions { Transport = Slotgate.Configuration.IoOptions.Epoll },
            Diagnostics = new Slotgate.Configuration.DiagnosticsOptions { SlowlogThreshold = TimeSpan.FromMinutes(1) },
        });
        // Subscriptions the count must look at, none of which receives the messages (so no pushes are written).
        await using var subscriber = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        await subscriber.CallAsync("SUBSCRIBE", "elsewhere");
        await subscriber.CallAsync("PSUBSCRIBE", "metrics.*", "alloc.[0-9]x", "*.never");
        await subscriber.ReadAsync();
        await subscriber.ReadAsync();

        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.Endpoints[0]);
        byte[] commands = [.. Enumerable.Range(0, PerSend).SelectMany(i => RespTestClient.Encode("PUBLISH", "alloc." + i, "m"))];
        byte[] replies = new byte[16 * 1024];
        async Task PublishAsync(int sends)
        {
            for (int s = 0; s < sends; s++)
            {
                await socket.SendAsync(commands.AsMemory(), SocketFlags.None);
                for (int left = PerSend * 4; left > 0;) // ":0\r\n" each
                {
                    int read = await socket.ReceiveAsync(replies.AsMemory(), SocketFlags.None);
                    Assert.True(read > 0);
                    left -= read;
                }
            }
        }

        await PublishAsync(400);
        long quietest = long.MaxValue;
        for (int round = 0; round < 5; round++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            await PublishAsync(100_000 / PerSend);
            quietest = Math.Min(quietest, GC.GetTotalAllocatedBytes(precise: true) - before);
        }
        output.WriteLine($"fewest bytes allocated for 100,000 PUBLISH: {quietest}");
        Assert.True(quietest < 100_000 / 10, $"{quietest} bytes allocated for 100,000 PUBLISH");
    }
}
