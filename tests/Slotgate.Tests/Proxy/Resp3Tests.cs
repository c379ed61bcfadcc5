using System.Diagnostics;

namespace Slotgate.Tests.Proxy;

/// <summary>HELLO 3 switches a client to RESP3: it gets RESP3 types, while RESP2 clients beside it keep RESP2.</summary>
[Collection(ProxyCollection.Name)]
public class Resp3Tests(ProxyFixture fixture)
{
    [Fact]
    public async Task Hello3_ThenCommands_Resp3TypesFromTheCluster()
    {
        await using var client = await fixture.ConnectRawAsync();
        await using var resp2 = await fixture.ConnectRawAsync();
        RespValue hello = await client.CallAsync("HELLO", "3", "SETNAME", "resp3-client");
        Assert.Equal('%', hello.Type);
        Assert.Equal(3, hello.Items![5].Integer);

        Assert.Equal('_', (await client.CallAsync("GET", "resp3:missing")).Type);
        await client.CallAsync("HSET", "resp3:h", "f", "v");
        RespValue map = await client.CallAsync("HGETALL", "resp3:h");
        Assert.Equal('%', map.Type);
        Assert.Equal(["f", "v"], map.Items!.Select(i => i.Text));
        await client.CallAsync("ZADD", "resp3:z", "1.5", "m");
        RespValue score = await client.CallAsync("ZSCORE", "resp3:z", "m");
        Assert.Equal(',', score.Type);
        Assert.Equal("1.5", score.Text);
        Assert.Equal("resp3-client", (await client.CallAsync("CLIENT", "GETNAME")).Text);

        // The RESP2 client next to it is unaffected.
        Assert.Equal('*', (await resp2.CallAsync("HGETALL", "resp3:h")).Type);
        Assert.Equal('$', (await resp2.CallAsync("GET", "resp3:missing")).Type);

        // Transactions and blocking commands in RESP3 too.
        await client.CallAsync("MULTI");
        await client.CallAsync("HGETALL", "{r3}:h");
        RespValue exec = await client.CallAsync("EXEC");
        Assert.Equal('%', exec.Items![0].Type);
        Assert.Equal('_', (await client.CallAsync("BLPOP", "{r3}:q", "0.1")).Type);
    }

    [Fact]
    public async Task Resp3_Subscribe_PushFramesAndCommandsStillAllowed()
    {
        await using var subscriber = await fixture.ConnectRawAsync();
        await using var publisher = await fixture.ConnectRawAsync();
        await subscriber.CallAsync("HELLO", "3");
        RespValue confirm = await subscriber.CallAsync("SUBSCRIBE", "resp3-news");
        Assert.Equal('>', confirm.Type);
        Assert.Equal("subscribe", confirm.Items![0].Text);
        // RESP3 has no subscribed mode: ordinary commands work on the same connection.
        Assert.Equal("OK", (await subscriber.CallAsync("SET", "resp3:sub", "1")).Text);
        await publisher.CallAsync("PUBLISH", "resp3-news", "hello");
        RespValue message = await subscriber.ReadAsync();
        Assert.Equal('>', message.Type);
        Assert.Equal(["message", "resp3-news", "hello"], message.Items!.Select(i => i.Text));
    }

    [Fact]
    public async Task RedisCliResp3_HashAndNull_PrintedAsResp3()
    {
        await using var client = await fixture.ConnectRawAsync();
        await client.CallAsync("HSET", "resp3:cli", "field", "value");
        var start = new ProcessStartInfo("redis-cli", ["-3", "-h", "127.0.0.1", "-p", fixture.Endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        using Process process = Process.Start(start)!;
        await process.StandardInput.WriteAsync("HGETALL resp3:cli\nGET resp3:none\n");
        process.StandardInput.Close();
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Contains("field", output, StringComparison.Ordinal);
        Assert.Contains("value", output, StringComparison.Ordinal);
    }
}
