using System.Diagnostics;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace Slotgate.Tests.Proxy;

/// <summary>
/// A client that pipelines large replies and never reads them: Slotgate stops reading from it once
/// limits.maxPendingCommandsPerClient replies wait (and the client socket's buffer is full), so its memory stays
/// bounded, and another client keeps its normal latency.
/// </summary>
[Collection(ProxyCollection.Name)]
public class SlowReaderTests(ProxyFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task ClientNeverReads_PipelinesLargeReplies_MemoryBoundedOthersFast()
    {
        await using var server = await ProxyFixture.StartProxyAsync(fixture.Cluster, o => o with { Limits = o.Limits with { MaxPendingCommandsPerClient = 500 } });
        await using var fast = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        string value = new('x', 16 * 1024);
        Assert.Equal("OK", (await fast.CallAsync("SET", "slow-reader:big", value)).Text);
        long before = GC.GetTotalMemory(forceFullCollection: true);

        // 20,000 GETs of 16 KiB: 320 MB of replies if Slotgate buffered them all.
        using var slow = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await slow.ConnectAsync(server.Endpoints[0]);
        byte[] one = RespTestClient.Encode("GET", "slow-reader:big");
        byte[] burst = [.. Enumerable.Range(0, 20_000).SelectMany(_ => one)];
        // Not awaited: once Slotgate stops reading, the rest waits in socket buffers (or the send blocks).
        _ = slow.SendAsync(burst, SocketFlags.None);
        await Task.Delay(1500);

        var latencies = new List<double>();
        for (int i = 0; i < 50; i++)
        {
            var watch = Stopwatch.StartNew();
            Assert.Equal(value.Length, (await fast.CallAsync("GET", "slow-reader:big")).Text!.Length);
            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }
        long after = GC.GetTotalMemory(forceFullCollection: true);
        latencies.Sort();
        double growthMb = (after - before) / 1024.0 / 1024.0;
        output.WriteLine($"managed memory growth with a client that never reads: {growthMb:F1} MB (500 pending x 16 KiB = 7.8 MB); " +
            $"other client's GET p50 {latencies[25]:F2} ms, max {latencies[^1]:F2} ms");
        Assert.True(growthMb < 40, $"memory grew {growthMb:F1} MB");
        Assert.True(latencies[25] < 50, $"other client's median GET took {latencies[25]:F2} ms");
        slow.Close();
    }
}
