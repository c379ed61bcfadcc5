using System.Buffers;
using System.IO.Pipelines;
using Slotgate.Tests.Support.InMemory;

namespace Slotgate.Tests.Proxy;

/// <summary>
/// Once warm, forwarding single-slot commands and their replies allocates nothing per command: requests, frames and
/// reply buffers are pooled, and the queues reuse their storage. Measured across the whole process (every thread),
/// over a burst of 100,000 pipelined GET/SET through one session and the backend connections behind it.
/// </summary>
[Collection(Name)]
public class SteadyStateAllocationTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>Runs alone: the allocation counter is process-wide, so no other test may run meanwhile.</summary>
    public const string Name = "allocation (runs alone)";

    private const int BatchSize = 500;

    [Fact]
    public async Task Session_100kPipelinedGetSet_AllocatesNothingPerCommand()
    {
        // A bounded pipeline depth, so the pools reach their working size during warm-up (they grow to the deepest
        // pipeline seen, then stop).
        await using InMemoryProxy proxy = await InMemoryProxy.StartAsync(["127.0.0.1:7001"], maxPendingCommandsPerClient: 2_000);
        var (client, session) = proxy.Connect();
        byte[] batch = BuildBatch();

        await RunBurstAsync(client, batch, batches: 100); // warm-up: pools, buffers and JIT tiers settle
        // Five bursts, keeping the quietest: an allocation per command shows in every burst, while one-off
        // background work (the test host reporting, the thread pool adding a thread) shows in one at most.
        var bursts = new List<long>();
        for (int i = 0; i < 5; i++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            await RunBurstAsync(client, batch, batches: 100_000 / BatchSize);
            bursts.Add(GC.GetTotalAllocatedBytes(precise: true) - before);
        }

        await client.Output.CompleteAsync();
        await session.WaitAsync(TimeSpan.FromSeconds(10));
        long allocated = bursts.Min();
        output.WriteLine($"bytes allocated per burst of 100,000 commands: {string.Join(", ", bursts)}");
        Assert.True(allocated < 100_000 / 10,
            $"{allocated} bytes allocated for 100,000 commands ({allocated / 100_000.0:F3} per command); bursts: {string.Join(", ", bursts)}");
    }

    [Theory]
    [InlineData(Slotgate.Configuration.IoOptions.Epoll)]
    [InlineData(Slotgate.Configuration.IoOptions.IoUring)]
    public async Task EventLoops_100kPipelinedSetGetOverSockets_AllocatesNothingPerCommand(string transport)
    {
        // The production path end to end: a client socket, Slotgate's event loops (on epoll, and on io_uring, the
        // default where allowed), node connections to a real cluster.
        await using var cluster = await Slotgate.Demo.LocalRedisCluster.StartAsync(Support.TestClusterOptions.Fast with { ReplicasPerPrimary = 0 });
        await using Slotgate.Hosting.SlotgateServer server = await Support.ProxyFixture.StartProxyAsync(cluster, o => o with
        {
            Io = new Slotgate.Configuration.IoOptions { Transport = transport },
            Diagnostics = new Slotgate.Configuration.DiagnosticsOptions { SlowlogThreshold = TimeSpan.FromMinutes(1) },
        });
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(server.Endpoints[0]);
        // SET k value then GET k: the replies are "+OK\r\n" and "$5\r\nvalue\r\n", 16 bytes a pair.
        var pairs = new List<byte>();
        for (int i = 0; i < BatchSize / 2; i++)
        {
            string key = "alloc:" + (i * 7919 % 100_000);
            pairs.AddRange(Support.RespTestClient.Encode("SET", key, "value"));
            pairs.AddRange(Support.RespTestClient.Encode("GET", key));
        }
        byte[] batch = [.. pairs];
        byte[] replies = new byte[64 * 1024];

        async Task BurstAsync(int batches)
        {
            for (int b = 0; b < batches; b++)
            {
                await socket.SendAsync(batch.AsMemory(), System.Net.Sockets.SocketFlags.None);
                int expected = BatchSize / 2 * 16;
                while (expected > 0)
                {
                    int read = await socket.ReceiveAsync(replies.AsMemory(), System.Net.Sockets.SocketFlags.None);
                    Assert.True(read > 0);
                    expected -= read;
                }
            }
        }

        await BurstAsync(200);
        var bursts = new List<long>();
        for (int i = 0; i < 5; i++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            await BurstAsync(100_000 / BatchSize);
            bursts.Add(GC.GetTotalAllocatedBytes(precise: true) - before);
        }
        long allocated = bursts.Min();
        output.WriteLine($"bytes allocated per burst of 100,000 commands over sockets ({transport}): {string.Join(", ", bursts)}");
        Assert.True(allocated < 100_000 / 10,
            $"{allocated} bytes allocated for 100,000 commands ({allocated / 100_000.0:F3} per command); bursts: {string.Join(", ", bursts)}");
    }

    private static byte[] BuildBatch()
    {
        var bytes = new List<byte>();
        for (int i = 0; i < BatchSize; i++)
        {
            string key = "key:" + (i * 7919 % 100_000);
            bytes.AddRange(i % 2 == 0
                ? Support.RespTestClient.Encode("SET", key, "value")
                : Support.RespTestClient.Encode("GET", key));
        }
        return [.. bytes];
    }

    private static async Task RunBurstAsync(IDuplexPipe client, byte[] batch, int batches)
    {
        Task reading = ReadRepliesAsync(client.Input, batches * BatchSize);
        for (int i = 0; i < batches; i++)
        {
            await client.Output.WriteAsync(batch);
        }
        await reading.WaitAsync(TimeSpan.FromSeconds(60));
    }

    private static async Task ReadRepliesAsync(PipeReader input, int expected)
    {
        int seen = 0;
        while (seen < expected)
        {
            ReadResult result = await input.ReadAsync();
            seen += CountReplies(result.Buffer, out SequencePosition consumed);
            input.AdvanceTo(consumed, result.Buffer.End);
            Assert.False(result.IsCompleted && seen < expected, "the session closed early");
        }
    }

    private static int CountReplies(ReadOnlySequence<byte> buffer, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        int count = 0;
        while (RespScanner.TrySkipValue(ref reader))
        {
            count++;
        }
        consumed = reader.Position;
        return count;
    }
}

[CollectionDefinition(SteadyStateAllocationTests.Name, DisableParallelization = true)]
public sealed class AllocationCollection;
