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
        proxy.Connector.Node(Node).FailNextKeyed(3, "LOADING Redis is loading the dataset in memory");
        await using var client = RespTestClient.Over(proxy.Connect().Client);
        Assert.Equal("value", (await client.CallAsync("GET", "k")).Text);
    }

    [Fact]
    public async Task Get_NodeLoadingPastRedirectBudget_LoadingErrorPassedThrough()
    {
        await using InMemoryProxy proxy = await InMemoryProxy.StartAsync([Node]);
        proxy.Connector.Node(Node).FailNextKeyed(1000, "LOADING Redis is loading the dataset in memory");
        await using var client = RespTestClient.Over(proxy.Connect().Client);
        RespValue reply = await client.CallAsync("GET", "k");
        Assert.True(reply.IsError);
        Assert.Equal("LOADING Redis is loading the dataset in memory", reply.Text);
        Assert.Equal("PONG", (await client.CallAsync("PING")).Text);
    }

    [Fact]
    public async Task Get_BusyKeyError_NotRetried()
    {
        // -BUSYKEY is the client's own error (RESTORE onto an existing key), not a busy node.
        await using InMemoryProxy proxy = await InMemoryProxy.StartAsync([Node]);
        proxy.Connector.Node(Node).FailNextKeyed(1, "BUSYKEY Target key name already exists.");
        await using var client = RespTestClient.Over(proxy.Connect().Client);
        Assert.Equal("BUSYKEY Target key name already exists.", (await client.CallAsync("GET", "k")).Text);
    }
}
