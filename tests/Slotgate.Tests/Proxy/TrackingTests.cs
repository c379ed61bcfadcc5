using System.Net;
using System.Text;

namespace Slotgate.Tests.Proxy;

/// <summary>
/// Client-side caching through Slotgate (CLIENT TRACKING): invalidations of the keys a client read, from whichever
/// node owns them, as RESP3 pushes or on a RESP2 redirect connection, with Redis's options and replies.
/// </summary>
[Collection(ProxyCollection.Name)]
public class TrackingTests(ProxyFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>A RESP3 client with tracking turned on with <paramref name="options"/>.</summary>
    internal static async Task<RespTestClient> TrackingClientAsync(IPEndPoint endpoint, params string[] options)
    {
        RespTestClient client = await RespTestClient.ConnectAsync(endpoint);
        Assert.Equal('%', (await client.CallAsync("HELLO", "3")).Type);
        Assert.Equal("OK", (await client.CallAsync(["CLIENT", "TRACKING", "ON", .. options])).Text);
        return client;
    }

    /// <summary>The next push the client receives, skipping nothing: a reply here would be a test error.</summary>
    internal static async Task<RespValue> NextPushAsync(RespTestClient client, TimeSpan? timeout = null)
    {
        RespValue push = await client.ReadAsync(timeout ?? TimeSpan.FromSeconds(10));
        Assert.True(push.Type == '>', $"expected a push, got {push}");
        return push;
    }

    /// <summary>The keys of an invalidate push, or null for "everything".</summary>
    internal static string[]? InvalidatedKeys(RespValue push)
    {
        Assert.Equal("invalidate", push.Items![0].Text);
        return push.Items[1].IsNull ? null : [.. push.Items[1].Items!.Select(k => k.Text!)];
    }

    /// <summary>The keys of an invalidate push that names keys.</summary>
    internal static string[] KeysOf(RespValue push) => InvalidatedKeys(push) ?? throw new Xunit.Sdk.XunitException("expected keys, got a flush");

    /// <summary>Sends PING and reads up to its reply: the pushes that arrived before it.</summary>
    internal static async Task<List<RespValue>> PushesBeforePingAsync(RespTestClient client)
    {
        await client.SendAsync("PING");
        var pushes = new List<RespValue>();
        while (true)
        {
            RespValue value = await client.ReadAsync();
            if (value.Type != '>')
            {
                Assert.Equal("PONG", value.Text);
                return pushes;
            }
            pushes.Add(value);
        }
    }

    [Fact]
    public async Task Tracking_Resp3OtherClientSets_InvalidatePushOnceForKey()
    {
        await using RespTestClient reader = await TrackingClientAsync(fixture.Endpoint);
        await using RespTestClient writer = await fixture.ConnectRawAsync();
        await writer.CallAsync("SET", "trk:push", "1");
        Assert.Equal("1", (await reader.CallAsync("GET", "trk:push")).Text);

        Assert.Equal("OK", (await writer.CallAsync("SET", "trk:push", "2")).Text);
        Assert.Equal(["trk:push"], KeysOf(await NextPushAsync(reader)));

        // As on one Redis: the key is forgotten once invalidated, until the client reads it again.
        Assert.Equal("OK", (await writer.CallAsync("SET", "trk:push", "3")).Text);
        await Task.Delay(300);
        Assert.Empty(await PushesBeforePingAsync(reader));
        Assert.Equal("3", (await reader.CallAsync("GET", "trk:push")).Text);
        Assert.Equal(1, (await writer.CallAsync("DEL", "trk:push")).Integer);
        Assert.Equal(["trk:push"], KeysOf(await NextPushAsync(reader)));
    }

    [Fact]
    public async Task Tracking_MgetAcrossSlots_EachKeyInvalidatedFromItsNode()
    {
        await using RespTestClient reader = await TrackingClientAsync(fixture.Endpoint);
        await using RespTestClient writer = await fixture.ConnectRawAsync();
        string[] keys = ["trk:m:a", "trk:m:b", "trk:m:c", "trk:m:d"];
        Assert.Equal(4, (await reader.CallAsync(["MGET", .. keys])).Items!.Count);
        foreach (string key in keys)
        {
            await writer.CallAsync("SET", key, "x");
        }
        var seen = new List<string>();
        while (seen.Count < keys.Length)
        {
            seen.AddRange(InvalidatedKeys(await NextPushAsync(reader))!);
        }
        Assert.Equal(keys.Order(), seen.Order());
    }

    [Fact]
    public async Task Tracking_Resp2Redirect_MessageOnInvalidateChannel()
    {
        await using RespTestClient target = await fixture.ConnectRawAsync();
        long targetId = (await target.CallAsync("CLIENT", "ID")).Integer;
        Assert.Equal("subscribe", (await target.CallAsync("SUBSCRIBE", "__redis__:invalidate")).Items![0].Text);
        await using RespTestClient reader = await fixture.ConnectRawAsync();
        Assert.Equal("OK", (await reader.CallAsync("CLIENT", "TRACKING", "ON", "REDIRECT", targetId.ToString())).Text);
        Assert.Equal(targetId, (await reader.CallAsync("CLIENT", "GETREDIR")).Integer);
        await reader.CallAsync("GET", "trk:redirect");

        await using RespTestClient writer = await fixture.ConnectRawAsync();
        await writer.CallAsync("SET", "trk:redirect", "v");
        byte[] message = await target.ReadRawAsync();
        Assert.Equal("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$12\r\ntrk:redirect\r\n", Encoding.ASCII.GetString(message));
    }

    [Fact]
    public async Task Tracking_BcastWithPrefix_OnlyMatchingKeysWithoutReading()
    {
        await using RespTestClient reader = await TrackingClientAsync(fixture.Endpoint, "BCAST", "PREFIX", "trk:bc:a:", "PREFIX", "trk:bc:b:");
        await using RespTestClient writer = await fixture.ConnectRawAsync();
        await writer.CallAsync("SET", "trk:bc:other", "1");
        await writer.CallAsync("SET", "trk:bc:a:1", "1");
        Assert.Equal(["trk:bc:a:1"], KeysOf(await NextPushAsync(reader)));
        await writer.CallAsync("SET", "trk:bc:b:1", "1");
        Assert.Equal(["trk:bc:b:1"], KeysOf(await NextPushAsync(reader)));
        string info = (await reader.CallAsync("CLIENT", "INFO")).Text!;
        Assert.Contains(" flags=tB ", info, StringComparison.Ordinal);
        Assert.Contains(" redir=0 ", info, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("OPTIN", "YES")]
    [InlineData("OPTOUT", "NO")]
    public async Task Tracking_OptInOrOptOut_CachingAppliesToNextCommandOnly(string mode, string caching)
    {
        // OPTIN tracks only the read right after CACHING YES; OPTOUT tracks every read but the one after CACHING NO.
        await using RespTestClient reader = await TrackingClientAsync(fixture.Endpoint, mode);
        string[] keys = [$"trk:{mode}:before", $"trk:{mode}:after", $"trk:{mode}:later"];
        await reader.CallAsync("GET", keys[0]);
        Assert.Equal("OK", (await reader.CallAsync("CLIENT", "CACHING", caching)).Text);
        await reader.CallAsync("GET", keys[1]);
        await reader.CallAsync("GET", keys[2]);
        await using RespTestClient writer = await fixture.ConnectRawAsync();
        foreach (string key in keys)
        {
            await writer.CallAsync("SET", key, "x");
        }
        string[] expected = mode == "OPTIN" ? [keys[1]] : [keys[0], keys[2]];
        var invalidated = new List<string>();
        while (invalidated.Count < expected.Length)
        {
            invalidated.AddRange(KeysOf(await NextPushAsync(reader)));
        }
        await Task.Delay(300);
        Assert.Empty(await PushesBeforePingAsync(reader));
        Assert.Equal(expected.Order(), invalidated.Order());
    }

    [Fact]
    public async Task Tracking_NoLoop_OwnWriteNotInvalidatedOthersAre()
    {
        await using RespTestClient reader = await TrackingClientAsync(fixture.Endpoint, "NOLOOP");
        await reader.CallAsync("MGET", "{trk:noloop}1", "{trk:noloop}2");
        Assert.Equal("OK", (await reader.CallAsync("SET", "{trk:noloop}1", "mine")).Text);
        await using RespTestClient writer = await fixture.ConnectRawAsync();
        await writer.CallAsync("SET", "{trk:noloop}2", "theirs");
        Assert.Equal(["{trk:noloop}2"], KeysOf(await NextPushAsync(reader)));
    }

    [Fact]
    public async Task Tracking_FlushAll_NullInvalidation()
    {
        await using RespTestClient reader = await TrackingClientAsync(fixture.Endpoint);
        await reader.CallAsync("GET", "trk:flush");
        await using RespTestClient writer = await fixture.ConnectRawAsync();
        await writer.CallAsync("FLUSHALL");
        Assert.Null(InvalidatedKeys(await NextPushAsync(reader)));
    }

    [Fact]
    public async Task Tracking_RedirectTargetGone_RedirBrokenPushAndFlag()
    {
        RespTestClient target = await fixture.ConnectRawAsync();
        long targetId = (await target.CallAsync("CLIENT", "ID")).Integer;
        await using RespTestClient reader = await TrackingClientAsync(fixture.Endpoint, "REDIRECT", targetId.ToString());
        await reader.CallAsync("GET", "trk:broken");
        await target.DisposeAsync();
        await using RespTestClient writer = await fixture.ConnectRawAsync();
        await Wait.UntilAsync(async () => string.IsNullOrEmpty((await writer.CallAsync("CLIENT", "LIST", "ID", targetId.ToString())).Text), TimeSpan.FromSeconds(10));
        await writer.CallAsync("SET", "trk:broken", "x");
        RespValue push = await NextPushAsync(reader);
        Assert.Equal("tracking-redir-broken", push.Items![0].Text);
        Assert.Equal(targetId, push.Items[1].Integer);
        RespValue info = await reader.CallAsync("CLIENT", "TRACKINGINFO");
        Assert.Equal(["on", "broken_redirect"], info.Items![1].Items!.Select(f => f.Text));
        Assert.Contains(" flags=tR ", (await reader.CallAsync("CLIENT", "INFO")).Text!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tracking_LastClientLeaves_NodesStopTracking()
    {
        RespTestClient reader = await TrackingClientAsync(fixture.Endpoint);
        await reader.CallAsync("GET", "trk:cleanup");
        foreach (LocalRedisNode node in fixture.Cluster.Primaries)
        {
            Assert.Contains("tracking_clients:1", await fixture.Cluster.ExecuteAsync(node, "INFO", "clients"), StringComparison.Ordinal);
        }
        await reader.DisposeAsync();
        foreach (LocalRedisNode node in fixture.Cluster.Primaries)
        {
            await Wait.UntilAsync(async () => (await fixture.Cluster.ExecuteAsync(node, "INFO", "clients")).Contains("tracking_clients:0", StringComparison.Ordinal),
                TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task TrackingOff_AfterReads_NoMoreInvalidations()
    {
        await using RespTestClient reader = await TrackingClientAsync(fixture.Endpoint);
        await reader.CallAsync("GET", "trk:off");
        Assert.Equal("OK", (await reader.CallAsync("CLIENT", "TRACKING", "OFF")).Text);
        await using RespTestClient writer = await fixture.ConnectRawAsync();
        await writer.CallAsync("SET", "trk:off", "x");
        await Task.Delay(300);
        Assert.Empty(await PushesBeforePingAsync(reader));
    }

    /// <summary>node-redis 5's cache (pinned in tests/clients/node/package-lock.json) runs check_client_cache.js.</summary>
    [Fact]
    public async Task NodeRedisClientSideCache_ThroughSlotgate_CachesAndIsInvalidated()
    {
        string folder = Clients.ClientScript.Folder("node");
        string node = await Clients.ClientScript.FindWorkingOrFailAsync("node",
            "Node.js is not on PATH. Install Node.js 20 or later with npm, then run `npm ci` in tests/clients/node (scripts/test.sh does the npm ci).",
            "--version");
        Assert.True(File.Exists(Path.Combine(folder, "node_modules", "redis", "package.json")),
            $"node-redis is not installed in {folder}/node_modules. Run `npm ci` there (scripts/test.sh does).");
        await Clients.ClientScript.AssertPassesAsync(node, "node", "check_client_cache.js", fixture.Endpoint, output);
    }

    [Fact]
    public async Task TrackingInsideMulti_Refused_ResetTurnsTrackingOff()
    {
        await using RespTestClient reader = await TrackingClientAsync(fixture.Endpoint, "OPTIN");
        Assert.Equal("OK", (await reader.CallAsync("MULTI")).Text);
        Assert.Equal("ERR Command not allowed inside a transaction", (await reader.CallAsync("CLIENT", "CACHING", "YES")).Text);
        Assert.StartsWith("EXECABORT", (await reader.CallAsync("EXEC")).Text, StringComparison.Ordinal);
        Assert.Equal("RESET", (await reader.CallAsync("RESET")).Text);
        Assert.Equal(-1, (await reader.CallAsync("CLIENT", "GETREDIR")).Integer);
    }

    [Fact]
    public async Task Tracking_Resp3RedirectTarget_InvalidatePushOnTarget()
    {
        await using RespTestClient target = await RespTestClient.ConnectAsync(fixture.Endpoint);
        await target.CallAsync("HELLO", "3");
        long targetId = (await target.CallAsync("CLIENT", "ID")).Integer;
        await using RespTestClient reader = await fixture.ConnectRawAsync();
        Assert.Equal("OK", (await reader.CallAsync("CLIENT", "TRACKING", "ON", "REDIRECT", targetId.ToString())).Text);
        await reader.CallAsync("GET", "trk:redirect3");
        await using RespTestClient writer = await fixture.ConnectRawAsync();
        await writer.CallAsync("SET", "trk:redirect3", "v");
        Assert.Equal(["trk:redirect3"], KeysOf(await NextPushAsync(target)));
        Assert.Contains($" redir={targetId} ", (await reader.CallAsync("CLIENT", "INFO")).Text!, StringComparison.Ordinal);
    }
}
