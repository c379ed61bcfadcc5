using Microsoft.Extensions.DependencyInjection;
using Slotgate.Commands;

namespace Slotgate.Tests.Commands;

/// <summary>COMMAND DOCS and the learned table through Slotgate in front of a Redis 7.0 cluster.</summary>
[Collection(ProxyCollection.Name)]
public class CommandDocsThroughSlotgateTests(ProxyFixture proxy)
{
    [Fact]
    public void StartUp_RedisCluster_TableLearnedFromTheNodes()
    {
        CommandTable table = proxy.Server.Services.GetRequiredService<CommandTable>();

        Assert.True(table.Generation >= 1, "the table was never replaced by the learned one");
        // The nodes run the Redis version the built-in table was generated from: every definition is the same, and the
        // instances (and their ids) were kept.
        Assert.Same(CommandTable.BuiltIn.Find("get"), table.Find("get"));
        Assert.NotNull(table.Find("client|setinfo"));
    }

    [Fact]
    public async Task CommandDocs_Names_TheNodesDocsAndSlotgatesOwn()
    {
        await using RespTestClient client = await proxy.ConnectRawAsync();

        RespValue docs = await client.CallAsync("COMMAND", "DOCS", "get", "client|setinfo", "nosuchcommand", "CLIENT|LIST");

        Assert.Equal(["get", "client|setinfo", "client|list"], docs.ItemsOrEmpty.Where((_, i) => i % 2 == 0).Select(i => i.Text));
        Assert.Equal("Get the value of a key", Summary(docs.ItemsOrEmpty[1]));
        Assert.Contains("Slotgate", Summary(docs.ItemsOrEmpty[3]), StringComparison.Ordinal);
        Assert.Equal("Get the list of client connections", Summary(docs.ItemsOrEmpty[5]));
    }

    [Fact]
    public async Task CommandDocs_NoNames_EveryCommand()
    {
        await using RespTestClient client = await proxy.ConnectRawAsync();

        RespValue docs = await client.CallAsync("COMMAND", "DOCS");

        Assert.Equal((await client.CallAsync("COMMAND", "COUNT")).Integer * 2, docs.ItemsOrEmpty.Count);
        int container = docs.ItemsOrEmpty.Select(i => i.Text).ToList().IndexOf("client");
        Assert.Contains("subcommands", docs.ItemsOrEmpty[container + 1].ItemsOrEmpty.Select(i => i.Text));
    }

    private static string? Summary(RespValue doc) => doc.ItemsOrEmpty.SkipWhile(i => i.Text != "summary").Skip(1).FirstOrDefault()?.Text;
}
