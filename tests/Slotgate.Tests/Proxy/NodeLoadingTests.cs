using System.Buffers;
using System.IO.Pipelines;
using Slotgate.Protocol;
using Slotgate.Tests.Support;
using Slotgate.Tests.Support.InMemory;

namespace Slotgate.Tests.Proxy;

/// <summary>
/// A node answering -LOADING (still loading its dataset after a restart) has not run the command, so Slotgate retries it
/// like TRYAGAIN within routing.maxRedirects. A real redis-server cannot be made to answer LOADING on demand, hence the
/// in-memory node; BUSY from a real server is in <see cref="NodeBusyTests"/>.
/// </summary>
public class NodeLoadingTests
{
    private const string Node = "127.0.0.1:7001";

    [Fact]
    public async Task Get_NodeLoadingBriefly_RetriedAndClientGetsValue()
    {
        await using InMemoryProxy proxy = await InMemoryProxy.StartAsync([Node]);
        proxy.Connector.Node(Node).FailNextGets(3, "LOADING Redis is loading the dataset in memory");
        var (client, _) = proxy.Connect();
        Assert.Equal("value", (await CallAsync(client, "GET", "k")).Text);
    }

    [Fact]
    public async Task Get_NodeLoadingPastRedirectBudget_LoadingErrorPassedThrough()
    {
        await using InMemoryProxy proxy = await InMemoryProxy.StartAsync([Node]);
        proxy.Connector.Node(Node).FailNextGets(1000, "LOADING Redis is loading the dataset in memory");
        var (client, _) = proxy.Connect();
        RespValue reply = await CallAsync(client, "GET", "k");
        Assert.True(reply.IsError);
        Assert.Equal("LOADING Redis is loading the dataset in memory", reply.Text);
        Assert.Equal("PONG", (await CallAsync(client, "PING")).Text);
    }

    [Fact]
    public async Task Get_BusyKeyError_NotRetried()
    {
        // -BUSYKEY is the client's own error (RESTORE onto an existing key), not a busy node.
        await using InMemoryProxy proxy = await InMemoryProxy.StartAsync([Node]);
        proxy.Connector.Node(Node).FailNextGets(1, "BUSYKEY Target key name already exists.");
        var (client, _) = proxy.Connect();
        Assert.Equal("BUSYKEY Target key name already exists.", (await CallAsync(client, "GET", "k")).Text);
    }

    private static async Task<RespValue> CallAsync(IDuplexPipe client, params string[] args)
    {
        await client.Output.WriteAsync(RespTestClient.Encode(args));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            ReadResult result = await client.Input.ReadAsync(timeout.Token);
            ReadOnlySequence<byte> buffer = result.Buffer;
            var reader = new SequenceReader<byte>(buffer);
            if (RespScanner.TrySkipValue(ref reader))
            {
                byte[] reply = buffer.Slice(0, reader.Consumed).ToArray();
                client.Input.AdvanceTo(buffer.GetPosition(reader.Consumed));
                return RespValue.Parse(reply);
            }
            client.Input.AdvanceTo(buffer.Start, buffer.End);
            Assert.False(result.IsCompleted, "connection closed");
        }
    }
}
