using System.Net;

namespace Slotgate.Tests.Proxy;

/// <summary>
/// Introspection commands Slotgate answers itself (COMMAND LIST/GETKEYS/GETKEYSANDFLAGS, INFO, arity errors),
/// compared byte for byte with what a cluster node (Redis 7.0) answers to the same command.
/// </summary>
[Collection(ProxyCollection.Name)]
public class IntrospectionParityTests(ProxyFixture fixture)
{
    private async Task<(string Slotgate, string Node)> BothAsync(params string[] args)
    {
        await using RespTestClient proxy = await fixture.ConnectRawAsync();
        await using RespTestClient node = await RespTestClient.ConnectAsync(IPEndPoint.Parse(fixture.Cluster.SeedEndpoints[0]));
        await proxy.SendAsync(args);
        await node.SendAsync(args);
        return (Encoding.UTF8.GetString(await proxy.ReadRawAsync()), Encoding.UTF8.GetString(await node.ReadRawAsync()));
    }

    /// <summary>Redis 7.2's connection commands Slotgate answers on top of the 7.0 table (see the README).</summary>
    private static readonly string[] Additions = ["client|no-touch", "client|setinfo"];

    /// <summary>
    /// The items of an array reply of bulk strings, sorted (Redis lists commands in its dictionary's order), without
    /// the commands Slotgate adds to Redis 7.0's table.
    /// </summary>
    private static string[] SortedItems(string reply) =>
        [.. Slotgate.Protocol.RespValue.Parse(Encoding.UTF8.GetBytes(reply)).Items!.Select(i => i.Text!)
            .Except(Additions).Order(StringComparer.Ordinal)];

    [Theory]
    [InlineData("PATTERN", "xa*")]
    [InlineData("PATTERN", "CONFIG*")]
    [InlineData("PATTERN", "c?ient|[gs]et*")]
    [InlineData("ACLCAT", "hyperloglog")]
    [InlineData("ACLCAT", "scripting")]
    [InlineData("ACLCAT", "nosuchcategory")]
    [InlineData("MODULE", "nosuchmodule")]
    public async Task CommandListFilterBy_EachFilter_SameCommandsAsRedis(string kind, string value)
    {
        (string slotgate, string node) = await BothAsync("COMMAND", "LIST", "FILTERBY", kind, value);
        Assert.Equal(SortedItems(node), SortedItems(slotgate));
    }

    [Fact]
    public async Task CommandList_NoFilter_EveryCommandAndSubcommandAsRedis()
    {
        (string slotgate, string node) = await BothAsync("COMMAND", "LIST");
        Assert.Equal(SortedItems(node), SortedItems(slotgate));
    }

    [Theory]
    [InlineData("COMMAND", "LIST", "foo")]
    [InlineData("COMMAND", "LIST", "FILTERBY")]
    [InlineData("COMMAND", "LIST", "FILTERBY", "PATTERN")]
    [InlineData("COMMAND", "LIST", "FILTERBY", "bogus", "x")]
    [InlineData("COMMAND", "LIST", "FILTERBY", "PATTERN", "a", "b")]
    [InlineData("COMMAND", "LIST", "NOTFILTERBY", "PATTERN", "a")]
    public async Task CommandList_SyntaxError_RedisError(params string[] args)
    {
        (string slotgate, string node) = await BothAsync(args);
        Assert.Equal("-ERR syntax error\r\n", node);
        Assert.Equal(node, slotgate);
    }

    [Theory]
    [InlineData("GETKEYS", "EVAL", "return 1", "0")]
    [InlineData("GETKEYS", "EVAL", "return 1", "5", "a")]
    [InlineData("GETKEYS", "nosuch", "a")]
    [InlineData("GETKEYS", "GET")]
    [InlineData("GETKEYS", "GET", "a", "b")]
    [InlineData("GETKEYS", "PING", "x")]
    [InlineData("GETKEYS", "CONFIG", "GET", "x")]
    [InlineData("GETKEYS", "CONFIG", "nosuch", "x")]
    [InlineData("GETKEYS", "SPUBLISH", "channel", "message")]
    [InlineData("GETKEYS", "XREAD", "STREAMS", "s", "s", "0", "0")]
    [InlineData("GETKEYS", "ZUNIONSTORE", "d", "2", "a", "b")]
    [InlineData("GETKEYS", "MEMORY", "USAGE", "a")]
    [InlineData("GETKEYS", "EVAL", "return 1", "2", "a")]
    [InlineData("GETKEYS", "ZUNIONSTORE", "d", "5", "a")]
    [InlineData("GETKEYS", "ZUNIONSTORE", "d", "x", "a")]
    [InlineData("GETKEYS", "XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")]
    [InlineData("GETKEYS", "LMPOP", "2", "a", "b", "LEFT")]
    [InlineData("GETKEYS", "GEORADIUS_RO", "a", "0", "0", "1", "km")]
    [InlineData("GETKEYSANDFLAGS", "GETEX", "a", "PERSIST")]
    [InlineData("GETKEYSANDFLAGS", "RENAME", "a", "b")]
    [InlineData("GETKEYSANDFLAGS", "COPY", "a", "b")]
    [InlineData("GETKEYSANDFLAGS", "SINTERSTORE", "d", "a", "b")]
    [InlineData("GETKEYSANDFLAGS", "SPUBLISH", "channel", "message")]
    [InlineData("INFO", "get", "config|get", "nosuch")]
    [InlineData("INFO", "GET", "CONFIG|GET")]
    [InlineData("COUNT", "x")]
    [InlineData("GETKEYSANDFLAGS", "SET", "a", "b")]
    [InlineData("GETKEYSANDFLAGS", "SET", "a", "b", "GET")]
    [InlineData("GETKEYSANDFLAGS", "GET", "a")]
    [InlineData("GETKEYSANDFLAGS", "LMOVE", "a", "b", "LEFT", "RIGHT")]
    [InlineData("GETKEYSANDFLAGS", "MSET", "a", "1", "b", "2")]
    [InlineData("GETKEYSANDFLAGS", "SORT", "a", "STORE", "b")]
    [InlineData("GETKEYSANDFLAGS", "SORT", "a", "BY", "w*")]
    [InlineData("GETKEYSANDFLAGS", "MIGRATE", "h", "1", "", "0", "5", "KEYS", "a", "b")]
    [InlineData("GETKEYSANDFLAGS", "BITFIELD", "a", "GET", "u8", "0")]
    [InlineData("GETKEYSANDFLAGS", "BITFIELD", "a", "SET", "u8", "0", "1")]
    [InlineData("GETKEYSANDFLAGS", "BITFIELD_RO", "a", "GET", "u8", "0")]
    [InlineData("GETKEYSANDFLAGS", "XREAD", "STREAMS", "s", "s", "0", "0")]
    [InlineData("GETKEYSANDFLAGS", "EVAL", "return 1", "0")]
    [InlineData("GETKEYSANDFLAGS", "EVAL", "return 1", "2", "a", "b")]
    [InlineData("GETKEYSANDFLAGS", "GEORADIUS", "a", "0", "0", "1", "km", "STORE", "b")]
    [InlineData("GETKEYSANDFLAGS", "DEL", "a", "b")]
    [InlineData("GETKEYSANDFLAGS", "nosuch", "a")]
    [InlineData("GETKEYSANDFLAGS", "GET")]
    [InlineData("GETKEYSANDFLAGS", "CONFIG", "GET", "x")]
    public async Task CommandGetKeys_EachCase_SameBytesAsRedis(params string[] args)
    {
        (string slotgate, string node) = await BothAsync(["COMMAND", .. args]);
        Assert.Equal(node, slotgate);
    }

    /// <summary>The section headers of an INFO reply, in order.</summary>
    private static string[] Headers(string reply) =>
        [.. Slotgate.Protocol.RespValue.Parse(Encoding.UTF8.GetBytes(reply)).Text!.Split("\r\n").Where(l => l.StartsWith('#'))];

    [Theory]
    [InlineData("server", "clients")]
    [InlineData("keyspace", "clients")]
    [InlineData("CLIENTS", "nosuch", "server")]
    [InlineData("cluster", "replication")]
    [InlineData("stats", "keyspace")]
    [InlineData("keyspace", "cluster", "replication", "stats", "memory", "server", "commandstats")]
    [InlineData("keyspace")]
    public async Task Info_SeveralSections_SameSectionsAndLayoutAsRedis(params string[] sections)
    {
        (string slotgate, string node) = await BothAsync(["INFO", .. sections]);
        Assert.Equal(Headers(node), Headers(slotgate));
        // Blank lines between sections only: the text ends with its last line's CRLF, then the bulk string's own.
        Assert.False(node.EndsWith("\r\n\r\n\r\n", StringComparison.Ordinal));
        Assert.False(slotgate.EndsWith("\r\n\r\n\r\n", StringComparison.Ordinal));
        string text = Slotgate.Protocol.RespValue.Parse(Encoding.UTF8.GetBytes(slotgate)).Text!;
        Assert.Equal(Headers(slotgate).Length, text.Split("\r\n\r\n").Length);
    }

    [Theory]
    [InlineData("nosuch")]
    [InlineData("nosuch", "other")]
    public async Task Info_UnknownSectionOnly_EmptyReplyAsRedis(params string[] sections)
    {
        (string slotgate, string node) = await BothAsync(["INFO", .. sections]);
        Assert.Equal("$0\r\n\r\n", node);
        Assert.Equal(node, slotgate);
    }

    [Fact]
    public async Task Info_DefaultAllEverything_RedisSectionsThatSlotgateHas()
    {
        await using RespTestClient proxy = await fixture.ConnectRawAsync();
        string[] none = Headers(Encoding.UTF8.GetString(await SendRawReplyAsync(proxy, "INFO")));
        string[] defaults = Headers(Encoding.UTF8.GetString(await SendRawReplyAsync(proxy, "INFO", "default")));
        string[] all = Headers(Encoding.UTF8.GetString(await SendRawReplyAsync(proxy, "INFO", "all")));
        string[] everything = Headers(Encoding.UTF8.GetString(await SendRawReplyAsync(proxy, "INFO", "everything")));
        string[] defaultAndOne = Headers(Encoding.UTF8.GetString(await SendRawReplyAsync(proxy, "INFO", "default", "commandstats")));
        Assert.Equal(none, defaults);
        // Redis's order, with Slotgate's own proxy and identities sections after clients and latencystats.
        Assert.Equal(["# Server", "# Clients", "# Proxy", "# Memory", "# Stats", "# Replication", "# Cluster", "# Keyspace"], defaults);
        Assert.Equal(["# Server", "# Clients", "# Proxy", "# Memory", "# Stats", "# Replication", "# Commandstats", "# Latencystats",
            "# Identities", "# Cluster", "# Keyspace"], all);
        Assert.Equal(all, everything); // no modules: everything is all
        Assert.Equal(["# Server", "# Clients", "# Proxy", "# Memory", "# Stats", "# Replication", "# Commandstats", "# Cluster", "# Keyspace"],
            defaultAndOne);
    }

    private static async Task<byte[]> SendRawReplyAsync(RespTestClient client, params string[] args)
    {
        await client.SendAsync(args);
        return await client.ReadRawAsync();
    }

    [Fact]
    public async Task WrongArity_EveryCommandAndSubcommand_RedisErrorText()
    {
        await using RespTestClient proxy = await fixture.ConnectRawAsync();
        await using RespTestClient node = await RespTestClient.ConnectAsync(IPEndPoint.Parse(fixture.Cluster.SeedEndpoints[0]));
        var differences = new List<string>();
        int compared = 0;
        foreach (Slotgate.Protocol.RespValue info in (await node.CallAsync("COMMAND")).Items!)
        {
            string name = info.Items![0].Text!;
            var shapes = new List<(string[] Name, long Arity)> { ([name], info.Items[1].Integer) };
            foreach (Slotgate.Protocol.RespValue sub in info.Items[9].ItemsOrEmpty)
            {
                shapes.Add((sub.Items![0].Text!.Split('|'), sub.Items[1].Integer));
            }
            foreach ((string[] words, long arity) in shapes)
            {
                // One argument too many for a fixed arity, one too few for a minimum; a minimum the name already meets cannot be broken.
                int count = arity > 0 ? (int)arity + 1 : (int)-arity - 1;
                // "CONFIG x" is an unknown subcommand, not an arity error.
                if (count < words.Length || (words.Length == 1 && shapes.Count > 1 && count > 1))
                {
                    continue;
                }
                string[] args = [.. words, .. Enumerable.Repeat("x", count - words.Length)];
                string expected = Encoding.UTF8.GetString(await SendRawReplyAsync(node, args));
                string actual = Encoding.UTF8.GetString(await SendRawReplyAsync(proxy, args));
                compared++;
                if (expected != actual)
                {
                    differences.Add($"{string.Join(' ', args)}: Redis {expected.TrimEnd()} / Slotgate {actual.TrimEnd()}");
                }
            }
        }
        Assert.True(compared > 200, $"only {compared} commands compared");
        Assert.Empty(differences);
    }

    [Fact]
    public async Task ExecWrongArity_InAndOutOfMulti_ExecAbortAndTransactionDroppedAsRedis()
    {
        await using RespTestClient proxy = await fixture.ConnectRawAsync();
        await using RespTestClient node = await RespTestClient.ConnectAsync(IPEndPoint.Parse(fixture.Cluster.SeedEndpoints[0]));
        string[][] steps = [["EXEC", "x"], ["MULTI"], ["PING"], ["EXEC", "x"], ["EXEC"], ["PING"]];
        foreach (string[] step in steps)
        {
            string expected = Encoding.UTF8.GetString(await SendRawReplyAsync(node, step));
            Assert.Equal(expected, Encoding.UTF8.GetString(await SendRawReplyAsync(proxy, step)));
        }
    }

    [Theory]
    [InlineData("XREAD", "STREAMS", "xread:same", "xread:same", "0", "0")]
    [InlineData("XREAD", "COUNT", "1", "STREAMS", "xread:same", "xread:same", "0", "$")]
    [InlineData("XREAD", "BLOCK", "10", "STREAMS", "xread:same", "xread:same", "0", "0")]
    [InlineData("XREAD", "STREAMS", "xread:same", "xread:same", "0")]
    [InlineData("XREAD", "STREAMS", "xread:same", "xread:other", "0", "0")]
    public async Task Xread_SameStreamTwice_SameReplyAsTheOwningNode(params string[] args)
    {
        await using RespTestClient proxy = await fixture.ConnectRawAsync();
        await proxy.CallAsync("DEL", "xread:same");
        await proxy.CallAsync("XADD", "xread:same", "1-1", "field", "value");
        await proxy.CallAsync("XADD", "xread:same", "1-2", "field", "other");
        var owner = await fixture.Cluster.GetSlotOwnerAsync(Slotgate.Cluster.HashSlot.Of("xread:same"u8));
        await using RespTestClient node = await RespTestClient.ConnectAsync(IPEndPoint.Parse(owner.Endpoint));
        string expected = Encoding.UTF8.GetString(await SendRawReplyAsync(node, args));
        Assert.Equal(expected, Encoding.UTF8.GetString(await SendRawReplyAsync(proxy, args)));
    }

    [Fact]
    public async Task XreadBlock_SameStreamTwiceWokenByXadd_SameReplyAsTheOwningNode()
    {
        await using RespTestClient writer = await fixture.ConnectRawAsync();
        await writer.CallAsync("DEL", "xread:block");
        await writer.CallAsync("XADD", "xread:block", "1-1", "field", "value");
        var owner = await fixture.Cluster.GetSlotOwnerAsync(Slotgate.Cluster.HashSlot.Of("xread:block"u8));
        await using RespTestClient node = await RespTestClient.ConnectAsync(IPEndPoint.Parse(owner.Endpoint));
        await using RespTestClient proxy = await fixture.ConnectRawAsync();
        string[] read = ["XREAD", "BLOCK", "10000", "STREAMS", "xread:block", "xread:block", "$", "$"];
        await node.SendAsync(read);
        await proxy.SendAsync(read);
        // Both readers are blocked once the node counts two blocked clients.
        await using RespTestClient watcher = await RespTestClient.ConnectAsync(IPEndPoint.Parse(owner.Endpoint));
        for (int i = 0; i < 200 && !((await watcher.CallAsync("INFO", "clients")).Text ?? "").Contains("blocked_clients:2", StringComparison.Ordinal); i++)
        {
            await Task.Delay(25);
        }
        await writer.CallAsync("XADD", "xread:block", "2-1", "field", "new");
        string expected = Encoding.UTF8.GetString(await node.ReadRawAsync());
        Assert.Equal(expected, Encoding.UTF8.GetString(await proxy.ReadRawAsync()));
    }
}
