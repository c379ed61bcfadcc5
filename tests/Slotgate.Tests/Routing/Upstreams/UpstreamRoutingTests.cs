using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Slotgate.Tests.Routing.Upstreams;

/// <summary>
/// Prefix routes over real upstreams: the proxy collection's cluster (default), a second cluster and three standalone
/// servers. Each test uses its own key prefix, so they share the servers.
/// </summary>
[Collection(ProxyCollection.Name)]
public class UpstreamRoutingTests(ProxyFixture fixture, UpstreamsFixture upstreams) : IClassFixture<UpstreamsFixture>
{
    private string Standalone(int i) => "127.0.0.1:" + upstreams.Standalone[i].Port.ToString(CultureInfo.InvariantCulture);

    private UpstreamOptions[] AllUpstreams() =>
    [
        new UpstreamOptions { Name = "second", Type = "cluster", Servers = [upstreams.Second.SeedEndpoints[0]] },
        new UpstreamOptions { Name = "s0", Type = "standalone", Servers = [Standalone(0)] },
        new UpstreamOptions { Name = "s1", Type = "standalone", Servers = [Standalone(1)] },
        new UpstreamOptions { Name = "s2", Type = "standalone", Servers = [Standalone(2)] },
        new UpstreamOptions { Name = "dead", Type = "standalone", Servers = ["127.0.0.1:" + upstreams.DeadPort.ToString(CultureInfo.InvariantCulture)] },
        new UpstreamOptions
        {
            Name = "ring",
            Type = "ketama",
            Servers = [Standalone(0) + ":1 server1", Standalone(1) + ":1 server2", Standalone(2) + ":1 server3"],
        },
    ];

    private Task<SlotgateServer> StartAsync(RoutesOptions routes, params FaultOptions[] faults)
    {
        var options = new SlotgateOptions
        {
            Listen = ["127.0.0.1:0"],
            Admin = new AdminOptions { Listen = "off" },
            Cluster = new ClusterOptions { Seeds = [fixture.Cluster.SeedEndpoints[0]] },
            Backend = new BackendOptions { OperationTimeout = TimeSpan.FromSeconds(10), ConnectTimeout = TimeSpan.FromSeconds(1) },
            Upstreams = AllUpstreams(),
            Routes = routes,
            Faults = faults,
        };
        Assert.Empty(SlotgateConfiguration.Validate(options));
        return SlotgateServer.StartAsync(options, logging => logging.SetMinimumLevel(LogLevel.Warning));
    }

    private string? DirectGet(int standalone, string key)
    {
        using RespTestClient client = upstreams.Standalone[standalone].Connect();
        return client.Call("GET", key).Text;
    }

    private async Task<string?> SecondClusterGetAsync(string key)
    {
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(upstreams.Second.SeedEndpoints[0]);
        return await redis.GetDatabase().StringGetAsync(key);
    }

    private static PrefixRouteOptions Route(string prefix, string upstream) => new() { Prefix = prefix, Upstream = upstream };

    [Fact]
    public async Task Routes_PrefixToSecondCluster_KeysLiveThereNotInMain()
    {
        await using SlotgateServer server = await StartAsync(new RoutesOptions { Prefixes = [Route("second:", "second")] });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal("OK", (await client.CallAsync("SET", $"second:{i}", $"v{i}")).Text);
            Assert.Equal($"v{i}", (await client.CallAsync("GET", $"second:{i}")).Text);
            Assert.Equal($"v{i}", await SecondClusterGetAsync($"second:{i}"));
        }
        Assert.Equal("OK", (await client.CallAsync("SET", "main:r1", "m")).Text);
        Assert.True((await fixture.Db.StringGetAsync("second:3")).IsNull);
        Assert.Equal("m", (string?)await fixture.Db.StringGetAsync("main:r1"));
    }

    [Fact]
    public async Task Routes_LongestPrefixWinsAndCaseInsensitive_EachKeyOnItsServer()
    {
        await using SlotgateServer server = await StartAsync(new RoutesOptions
        {
            CaseInsensitive = true,
            Prefixes = [Route("lp:", "s0"), Route("lp:long:", "s1")],
        });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        await client.CallAsync("SET", "lp:short", "a");
        await client.CallAsync("SET", "lp:long:x", "b");
        await client.CallAsync("SET", "LP:LONG:upper", "c");

        Assert.Equal("a", DirectGet(0, "lp:short"));
        Assert.Equal("b", DirectGet(1, "lp:long:x"));
        Assert.Null(DirectGet(0, "lp:long:x"));
        Assert.Equal("c", DirectGet(1, "LP:LONG:upper"));
    }

    [Fact]
    public async Task Routes_RemovePrefixAndKeyFormatter_KeyRewrittenOnTheServer()
    {
        await using SlotgateServer server = await StartAsync(new RoutesOptions
        {
            Prefixes = [new PrefixRouteOptions { Prefix = "rw:", Upstream = "s2", RemovePrefix = true, KeyFormatter = "{%KEY%}:v1" }],
        });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        Assert.Equal("OK", (await client.CallAsync("SET", "rw:abc", "1")).Text);
        Assert.Equal("1", DirectGet(2, "{abc}:v1"));
        Assert.Null(DirectGet(2, "rw:abc"));
        Assert.Equal("1", (await client.CallAsync("GET", "rw:abc")).Text);
        Assert.Equal(1, (await client.CallAsync("EXISTS", "rw:abc")).Integer);
    }

    [Fact]
    public async Task Routes_ReadUpstream_ReadsGoThereWritesToTheRoute()
    {
        using (RespTestClient s1 = upstreams.Standalone[1].Connect())
        {
            s1.Call("SET", "rd:k", "from-read-upstream");
        }
        await using SlotgateServer server = await StartAsync(new RoutesOptions
        {
            Prefixes = [new PrefixRouteOptions { Prefix = "rd:", Upstream = "s0", ReadUpstream = "s1" }],
        });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        Assert.Equal("OK", (await client.CallAsync("SET", "rd:k", "written")).Text);
        Assert.Equal("written", DirectGet(0, "rd:k"));
        Assert.Equal("from-read-upstream", (await client.CallAsync("GET", "rd:k")).Text);
    }

    [Fact]
    public async Task Routes_MirrorWritesOnly_MirrorGetsWritesNotReads()
    {
        await using SlotgateServer server = await StartAsync(new RoutesOptions
        {
            Prefixes = [new PrefixRouteOptions { Prefix = "mir:", Upstream = "s0", Mirrors = [new MirrorOptions { Upstream = "s1", ExcludeReads = true }] }],
        });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        Assert.Equal("OK", (await client.CallAsync("SET", "mir:k", "copied")).Text);
        Assert.Equal("copied", DirectGet(0, "mir:k"));
        // Fire-and-forget: the copy may land just after the client's reply.
        for (int i = 0; i < 100 && DirectGet(1, "mir:k") is null; i++)
        {
            await Task.Delay(20);
        }
        Assert.Equal("copied", DirectGet(1, "mir:k"));

        long getsBefore = CommandCalls(1, "get");
        for (int i = 0; i < 5; i++)
        {
            Assert.Equal("copied", (await client.CallAsync("GET", "mir:k")).Text);
        }
        await Task.Delay(200);
        Assert.Equal(getsBefore, CommandCalls(1, "get"));
    }

    [Fact]
    public async Task Routes_MirrorAtZeroAndFiftyPercent_CopiesThatShare()
    {
        await using SlotgateServer server = await StartAsync(new RoutesOptions
        {
            Prefixes =
            [
                new PrefixRouteOptions { Prefix = "m0:", Upstream = "s0", Mirrors = [new MirrorOptions { Upstream = "s2", Percent = 0 }] },
                new PrefixRouteOptions { Prefix = "m50:", Upstream = "s0", Mirrors = [new MirrorOptions { Upstream = "s2", Percent = 50 }] },
            ],
        });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        const int total = 400;
        for (int i = 0; i < total; i++)
        {
            await client.SendAsync("SET", $"m0:{i}", "x");
            await client.SendAsync("SET", $"m50:{i}", "x");
        }
        for (int i = 0; i < 2 * total; i++)
        {
            Assert.Equal("OK", (await client.ReadAsync()).Text);
        }
        await Task.Delay(500);
        using RespTestClient mirror = upstreams.Standalone[2].Connect();
        Assert.Empty(mirror.Call("KEYS", "m0:*").Items!);
        // Binomial(400, 0.5): mean 200, standard deviation 10.
        Assert.InRange(mirror.Call("KEYS", "m50:*").Items!.Count, 130, 270);
    }

    [Fact]
    public async Task Routes_DeadMirror_ClientSeesNoDifference()
    {
        await using SlotgateServer server = await StartAsync(new RoutesOptions
        {
            Prefixes = [new PrefixRouteOptions { Prefix = "dm:", Upstream = "s0", Mirrors = [new MirrorOptions { Upstream = "dead" }] }],
        });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 50; i++)
        {
            Assert.Equal("OK", (await client.CallAsync("SET", $"dm:{i}", "x")).Text);
            Assert.Equal("x", (await client.CallAsync("GET", $"dm:{i}")).Text);
        }
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.Equal("x", DirectGet(0, "dm:49"));
    }

    [Fact]
    public async Task Routes_MultiKeyCommands_SplitAcrossUpstreamsAndMergedInOrder()
    {
        await using SlotgateServer server = await StartAsync(new RoutesOptions
        {
            Prefixes = [Route("mk:a:", "s0"), Route("mk:b:", "second"), new PrefixRouteOptions { Prefix = "mk:c:", Upstream = "s1", RemovePrefix = true }],
        });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        Assert.Equal("OK", (await client.CallAsync("MSET", "mk:a:1", "A", "mk:b:1", "B", "mk:main", "M", "mk:c:1", "C", "mk:b:2", "B2")).Text);
        var values = (await client.CallAsync("MGET", "mk:c:1", "mk:b:2", "mk:main", "mk:a:1", "mk:b:1", "mk:none")).Items!;
        Assert.Equal(["C", "B2", "M", "A", "B", null], values.Select(v => v.Text));
        Assert.Equal("A", DirectGet(0, "mk:a:1"));
        Assert.Equal("C", DirectGet(1, "1"));
        Assert.Equal("B2", await SecondClusterGetAsync("mk:b:2"));
        Assert.Equal("M", (string?)await fixture.Db.StringGetAsync("mk:main"));
        Assert.Equal(5, (await client.CallAsync("DEL", "mk:a:1", "mk:b:1", "mk:b:2", "mk:main", "mk:c:1", "mk:none")).Integer);
        Assert.Null(DirectGet(0, "mk:a:1"));
    }

    [Fact]
    public async Task Routes_KeysOfOneCommandOnTwoUpstreams_CrossSlotError()
    {
        await using SlotgateServer server = await StartAsync(new RoutesOptions { Prefixes = [Route("xs:a:", "s0"), Route("xs:b:", "s1")] });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        await client.CallAsync("SET", "xs:a:1", "v");
        Assert.Equal("CROSSSLOT Keys in request don't route to the same upstream", (await client.CallAsync("RENAME", "xs:a:1", "xs:b:1")).Text);
        Assert.Equal("OK", (await client.CallAsync("RENAME", "xs:a:1", "xs:a:2")).Text);
        Assert.Equal("v", DirectGet(0, "xs:a:2"));
    }

    [Fact]
    public async Task Routes_RoutedKeyInsideMulti_RefusedAndTransactionAborted()
    {
        await using SlotgateServer server = await StartAsync(new RoutesOptions { Prefixes = [Route("tx:", "s0")] });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        Assert.Equal("OK", (await client.CallAsync("MULTI")).Text);
        Assert.StartsWith("ERR Slotgate: 'SET' on keys that routes send to another upstream", (await client.CallAsync("SET", "tx:1", "v")).Text, StringComparison.Ordinal);
        Assert.StartsWith("EXECABORT", (await client.CallAsync("EXEC")).Text, StringComparison.Ordinal);
        Assert.Null(DirectGet(0, "tx:1"));
    }

    [Fact]
    public async Task Routes_CatchAllToKetamaRing_PlacementMatchesTwemproxyKetama()
    {
        await using SlotgateServer server = await StartAsync(new RoutesOptions { CatchAll = new PrefixRouteOptions { Upstream = "ring" } });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        string[] words = KetamaRingTests.Words;
        for (int i = 0; i < words.Length; i++)
        {
            Assert.Equal("OK", (await client.CallAsync("SET", words[i], "ring")).Text);
        }
        for (int i = 0; i < words.Length; i++)
        {
            int expected = KetamaRingTests.WordsOnNamedServers[i] - '0';
            for (int s = 0; s < 3; s++)
            {
                Assert.True((DirectGet(s, words[i]) == "ring") == (s == expected), $"{words[i]} expected on server {expected}, checked {s}");
            }
        }
        // A hashtag keeps related keys on one server, so multi-key commands on them work.
        Assert.Equal("OK", (await client.CallAsync("MSET", "{ring:user}:name", "n", "{ring:user}:mail", "m")).Text);
        Assert.Equal("OK", (await client.CallAsync("RENAME", "{ring:user}:name", "{ring:user}:nick")).Text);
        Assert.Equal("n", (await client.CallAsync("GET", "{ring:user}:nick")).Text);
    }

    [Fact]
    public async Task Routes_FaultOnRoutedCommand_InjectedBeforeRouting()
    {
        await using SlotgateServer server = await StartAsync(new RoutesOptions { Prefixes = [Route("flt:", "s0")] },
            new FaultOptions { Type = "error", Percent = 100, Commands = ["GET"] });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        Assert.Equal("OK", (await client.CallAsync("SET", "flt:k", "v")).Text);
        Assert.Equal(Slotgate.Faults.FaultInjector.ErrorReply, (await client.CallAsync("GET", "flt:k")).Text);
        Assert.Equal("v", DirectGet(0, "flt:k"));
    }

    [Fact]
    public async Task Routes_NoMainClusterCatchAllToRing_KeysServedKeylessCommandsClusterDown()
    {
        var options = new SlotgateOptions
        {
            Listen = ["127.0.0.1:0"],
            Admin = new AdminOptions { Listen = "off" },
            Upstreams = AllUpstreams(),
            Routes = new RoutesOptions { CatchAll = new PrefixRouteOptions { Upstream = "ring" } },
        };
        Assert.Empty(SlotgateConfiguration.Validate(options));
        await using SlotgateServer server = await SlotgateServer.StartAsync(options, logging => logging.SetMinimumLevel(LogLevel.Warning));
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        Assert.Equal("OK", (await client.CallAsync("SET", "twemproxy-only", "v")).Text);
        Assert.Equal("v", (await client.CallAsync("GET", "twemproxy-only")).Text);
        Assert.StartsWith("CLUSTERDOWN", (await client.CallAsync("DBSIZE")).Text, StringComparison.Ordinal);
        Assert.Equal("PONG", (await client.CallAsync("PING")).Text);

        Assert.Contains("cluster.seeds: at least one seed is required (--seed host:port)",
            SlotgateConfiguration.Validate(options with { Routes = new RoutesOptions { Prefixes = [Route("p:", "ring")] } }));
    }

    private long CommandCalls(int standalone, string command)
    {
        using RespTestClient client = upstreams.Standalone[standalone].Connect();
        string info = client.Call("INFO", "commandstats").Text ?? string.Empty;
        foreach (string line in info.Split('\n'))
        {
            if (line.StartsWith($"cmdstat_{command}:calls=", StringComparison.Ordinal))
            {
                return long.Parse(line.Split('=', ',')[1], CultureInfo.InvariantCulture);
            }
        }
        return 0;
    }
}
