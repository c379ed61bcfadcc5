namespace Slotgate.Tests.Proxy;

[Collection(ProxyCollection.Name)]
public class LocalCommandTests(ProxyFixture fixture)
{
    [Fact]
    public async Task Ping_NoArgument_ReturnsPong()
    {
        await using var client = await fixture.ConnectRawAsync();
        Assert.Equal("PONG", (await client.CallAsync("PING")).Text);
        Assert.Equal("hi there", (await client.CallAsync("PING", "hi there")).Text);
        Assert.Equal("echoed", (await client.CallAsync("ECHO", "echoed")).Text);
    }

    [Fact]
    public async Task Inline_PingAndSetGet_WorkLikeTelnet()
    {
        await using var client = await fixture.ConnectRawAsync();
        await client.SendRawAsync("PING\r\nset inline:key \"two words\"\r\nget inline:key\n");
        Assert.Equal("PONG", (await client.ReadAsync()).Text);
        Assert.Equal("OK", (await client.ReadAsync()).Text);
        Assert.Equal("two words", (await client.ReadAsync()).Text);
    }

    [Fact]
    public async Task Select_ZeroAndOther_OkThenClusterError()
    {
        await using var client = await fixture.ConnectRawAsync();
        Assert.Equal("OK", (await client.CallAsync("SELECT", "0")).Text);
        RespValue other = await client.CallAsync("SELECT", "1");
        Assert.True(other.IsError);
        Assert.Equal("ERR SELECT is not allowed in cluster mode", other.Text);
    }

    [Fact]
    public async Task UnknownCommand_Any_ReturnsRedisWording()
    {
        await using var client = await fixture.ConnectRawAsync();
        RespValue reply = await client.CallAsync("FOOBAR", "a", "b");
        Assert.Equal("ERR unknown command 'FOOBAR', with args beginning with: 'a' 'b' ", reply.Text);
        RespValue sub = await client.CallAsync("CLIENT", "NOPE");
        Assert.Equal("ERR unknown subcommand 'NOPE'. Try CLIENT HELP.", sub.Text);
        Assert.Equal("PONG", (await client.CallAsync("PING")).Text);
    }

    [Fact]
    public async Task WrongArity_Get_ReturnsRedisWording()
    {
        await using var client = await fixture.ConnectRawAsync();
        Assert.Equal("ERR wrong number of arguments for 'get' command", (await client.CallAsync("GET")).Text);
        Assert.Equal("ERR wrong number of arguments for 'mset' command", (await client.CallAsync("MSET", "a", "1", "b")).Text);
        Assert.Equal("PONG", (await client.CallAsync("PING")).Text);
    }

    [Fact]
    public async Task Hello_Version2AndNone_ReturnsServerMap_UnknownVersionIsRefused()
    {
        await using var client = await fixture.ConnectRawAsync();
        RespValue hello = await client.CallAsync("HELLO", "2", "SETNAME", "app-1");
        Assert.Equal("server", hello.Items![0].Text);
        Assert.Equal(2, hello.Items[5].Integer);
        Assert.Equal("app-1", (await client.CallAsync("CLIENT", "GETNAME")).Text);
        Assert.Equal("NOPROTO sorry, this protocol version is not supported.", (await client.CallAsync("HELLO", "4")).Text);
        Assert.Equal('*', (await client.CallAsync("HELLO")).Type);
    }

    [Fact]
    public async Task Client_SetNameIdSetInfo_AnsweredLocally()
    {
        await using var client = await fixture.ConnectRawAsync();
        Assert.True((await client.CallAsync("CLIENT", "GETNAME")).IsNull);
        Assert.Equal("OK", (await client.CallAsync("CLIENT", "SETNAME", "worker")).Text);
        Assert.Equal("worker", (await client.CallAsync("CLIENT", "GETNAME")).Text);
        Assert.True((await client.CallAsync("CLIENT", "SETNAME", "has space")).IsError);
        Assert.True((await client.CallAsync("CLIENT", "ID")).Integer > 0);
        Assert.Equal("OK", (await client.CallAsync("CLIENT", "SETINFO", "LIB-NAME", "tests")).Text);
        Assert.Contains("lib-name=tests", (await client.CallAsync("CLIENT", "INFO")).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Command_CountAndInfo_FromTheTable()
    {
        await using var client = await fixture.ConnectRawAsync();
        long count = (await client.CallAsync("COMMAND", "COUNT")).Integer;
        Assert.True(count > 200);
        RespValue info = await client.CallAsync("COMMAND", "INFO", "get");
        Assert.Equal("get", info.Items![0].Items![0].Text);
        RespValue keys = await client.CallAsync("COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2");
        Assert.Equal(["a", "b"], keys.Items!.Select(k => k.Text));
    }

    [Fact]
    public async Task ConfigGet_Save_TheNodesValue()
    {
        await using var client = await fixture.ConnectRawAsync();
        RespValue reply = await client.CallAsync("CONFIG", "GET", "save");
        Assert.Equal('*', reply.Type);
        Assert.Equal("save", reply.Items![0].Text);
        Assert.Equal((await fixture.Cluster.Primaries[0].SendAsync(["CONFIG", "GET", "save"])).Items![1].Text, reply.Items[1].Text);
    }

    [Fact]
    public async Task NotSupported_WaitaofAndClientPause_ClearErrorNamingIt()
    {
        await using var client = await fixture.ConnectRawAsync();
        RespValue waitaof = await client.CallAsync("WAITAOF", "1", "0", "100");
        Assert.Contains("WAITAOF", waitaof.Text, StringComparison.Ordinal);
        RespValue pause = await client.CallAsync("CLIENT", "PAUSE", "1");
        Assert.True(pause.IsError);
        Assert.Equal("PONG", (await client.CallAsync("PING")).Text);
    }

    [Fact]
    public async Task ProtocolError_BadBulkLength_RepliesErrorAndCloses()
    {
        await using var client = await fixture.ConnectRawAsync();
        await client.SendRawAsync("PING\r\n*1\r\n$x\r\n");
        Assert.Equal("PONG", (await client.ReadAsync()).Text);
        RespValue error = await client.ReadAsync();
        Assert.Equal("ERR Protocol error: invalid bulk length", error.Text);
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));

        // Only that connection closes.
        await using var other = await fixture.ConnectRawAsync();
        Assert.Equal("PONG", (await other.CallAsync("PING")).Text);
    }

    [Fact]
    public async Task Quit_Any_RepliesOkAndCloses()
    {
        await using var client = await fixture.ConnectRawAsync();
        Assert.Equal("OK", (await client.CallAsync("QUIT")).Text);
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Info_Default_SaysSlotgateAndSumsKeyspace()
    {
        await using var client = await fixture.ConnectRawAsync();
        for (int i = 0; i < 30; i++)
        {
            await client.CallAsync("SET", $"info:{i}", "v");
        }
        string info = (await client.CallAsync("INFO")).Text!;
        Assert.Contains("proxy:slotgate", info, StringComparison.Ordinal);
        Assert.Contains("redis_mode:standalone", info, StringComparison.Ordinal);
        Assert.Matches(@"db0:keys=\d+,", info);
        long dbsize = (await client.CallAsync("DBSIZE")).Integer;
        Assert.True(dbsize >= 30);
        string keyspace = (await client.CallAsync("INFO", "keyspace")).Text!;
        Assert.Contains($"db0:keys={dbsize},", keyspace, StringComparison.Ordinal);
        Assert.DoesNotContain("# Server", keyspace, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InfoMemoryAndStats_SummedOverPrimaries()
    {
        await using var client = await fixture.ConnectRawAsync();
        string memory = (await client.CallAsync("INFO", "memory")).Text!;
        Assert.StartsWith("# Memory", memory, StringComparison.Ordinal);
        Assert.DoesNotContain("_human:", memory, StringComparison.Ordinal);
        long proxied = FieldOf(memory, "used_memory");
        long largest = 0;
        long sum = 0;
        foreach (var primary in fixture.Cluster.Primaries)
        {
            long used = FieldOf(await fixture.Cluster.ExecuteAsync(primary, "INFO", "memory"), "used_memory");
            largest = Math.Max(largest, used);
            sum += used;
        }
        // Memory moves a little between the two readings; other tests' keys may make one primary much the largest.
        Assert.True(proxied > largest && proxied > sum * 0.8 && proxied < sum * 1.2,
            $"used_memory through Slotgate {proxied} should be the sum over 3 primaries ({sum}; largest single {largest})");
        string all = (await client.CallAsync("INFO")).Text!;
        Assert.Contains("# Stats", all, StringComparison.Ordinal);
        Assert.Contains("total_commands_processed:", all, StringComparison.Ordinal);
        Assert.Contains("# Server", all, StringComparison.Ordinal);
    }

    private static long FieldOf(string info, string field)
    {
        foreach (string line in info.Split('\n'))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line[(field.Length + 1)..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        throw new InvalidOperationException($"{field} not in INFO");
    }

    [Fact]
    public async Task ClientHelp_RoutedToSlotgate_ErrorNamesIt()
    {
        await using var client = await fixture.ConnectRawAsync();
        RespValue reply = await client.CallAsync("CLIENT", "HELP");
        Assert.True(reply.IsError);
        Assert.Equal("ERR Slotgate: CLIENT HELP is not answered by Slotgate", reply.Text);
    }
}
