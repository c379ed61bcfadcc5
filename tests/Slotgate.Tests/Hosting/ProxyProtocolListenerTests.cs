using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Slotgate.Tests.Protocol;

namespace Slotgate.Tests.Hosting;

/// <summary>
/// <c>proxyProtocol.listen</c> in front of the shared real cluster, on both transports: a PROXY header (as ztunnel
/// sends it to a sandwich waypoint) gives the client its original address and identity, an identity bound to a user
/// authenticates it, and a bad, late or untrusted header closes only its own connection.
/// </summary>
[Collection(ProxyCollection.Name)]
public class ProxyProtocolListenerTests(ProxyFixture fixture)
{
    private const string Cart = "spiffe://cluster.local/ns/shop/sa/cart";
    private const string Stranger = "spiffe://cluster.local/ns/other/sa/stranger";
    private const string NoAuth = "NOAUTH Authentication required.";
    private static readonly IPEndPoint Source = IPEndPoint.Parse("10.1.2.3:40000");
    private static readonly IPEndPoint Destination = IPEndPoint.Parse("10.9.8.7:15088");

    public static TheoryData<string> Transports => new() { IoOptions.Epoll, IoOptions.Kestrel };

    private readonly ConcurrentQueue<string> _logs = new();

    private Task<SlotgateServer> StartAsync(string transport, Func<SlotgateOptions, SlotgateOptions>? configure = null)
    {
        var options = new SlotgateOptions
        {
            Listen = ["127.0.0.1:0"],
            ProxyProtocol = new ProxyProtocolOptions { Listen = ["127.0.0.1:0"], HeaderTimeout = TimeSpan.FromMilliseconds(500) },
            Io = new IoOptions { Transport = transport },
            Cluster = new ClusterOptions { Seeds = [fixture.Cluster.SeedEndpoints[0]], RefreshInterval = TimeSpan.FromSeconds(2) },
            Backend = new BackendOptions { OperationTimeout = TimeSpan.FromSeconds(10), ConnectTimeout = TimeSpan.FromSeconds(1) },
            Admin = new AdminOptions { Listen = "127.0.0.1:0" },
            Auth = new AuthOptions
            {
                Users =
                [
                    new UserOptions { Name = "default", Passwords = ["s3cret"] },
                    new UserOptions { Name = "cart", Identities = ["spiffe://cluster.local/ns/shop/sa/cart"], Rules = "+@all ~cart:*" },
                    // Listed after cart: the first user whose pattern matches wins.
                    new UserOptions { Name = "shop", Identities = ["spiffe://cluster.local/ns/shop/sa/*"], Rules = "+@all -@write ~*" },
                ],
            },
        };
        options = configure?.Invoke(options) ?? options;
        Assert.Empty(OptionsValidator.Validate(options));
        return SlotgateServer.StartAsync(options, logging =>
        {
            logging.SetMinimumLevel(LogLevel.Debug);
            logging.AddProvider(new LogCollector(_logs));
        });
    }

    private static async Task<RespTestClient> ConnectAsync(SlotgateServer server, byte[] header, params string[] firstCommand)
    {
        var client = await RespTestClient.ConnectAsync(server.ProxyProtocolEndpoints[0]);
        // The header and the first command in one packet: the bytes after the header are the client's RESP.
        await client.SendRawAsync([.. header, .. firstCommand.Length == 0 ? [] : RespTestClient.Encode(firstCommand)]);
        return client;
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ProxyV2_IdentityBoundToUser_AuthenticatedWithoutPassword(string transport)
    {
        await using SlotgateServer server = await StartAsync(transport);
        await using RespTestClient client = await ConnectAsync(server, ProxyHeaders.V2(Source, Destination, Cart), "SET", "cart:1", "v");
        Assert.Equal("OK", (await client.ReadAsync()).Text);
        Assert.Equal("v", (await client.CallAsync("GET", "cart:1")).Text);
        Assert.Equal("cart", (await client.CallAsync("ACL", "WHOAMI")).Text);
        // The user's ACL rules still apply.
        Assert.StartsWith("NOPERM", (await client.CallAsync("GET", "orders:1")).Text);
        string info = (await client.CallAsync("CLIENT", "INFO")).Text!;
        Assert.Contains($"addr={Source} laddr={Destination} ", info, StringComparison.Ordinal);
        Assert.Contains($" user=cart ", info, StringComparison.Ordinal);
        Assert.EndsWith($" identity={Cart}\n", info, StringComparison.Ordinal);
        // RESET goes back to how the connection started: as its identity's user.
        Assert.Equal("RESET", (await client.CallAsync("RESET")).Text);
        Assert.Equal("cart", (await client.CallAsync("ACL", "WHOAMI")).Text);
        // AUTH switches users, as in Redis.
        Assert.Equal("OK", (await client.CallAsync("AUTH", "s3cret")).Text);
        Assert.Equal("default", (await client.CallAsync("ACL", "WHOAMI")).Text);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ProxyV2_IdentityMatchingAPattern_AuthenticatedAsThatUser(string transport)
    {
        await using SlotgateServer server = await StartAsync(transport);
        await using RespTestClient client = await ConnectAsync(server, ProxyHeaders.V2(Source, Destination, "spiffe://cluster.local/ns/shop/sa/orders"), "ACL", "WHOAMI");
        Assert.Equal("shop", (await client.ReadAsync()).Text);
        Assert.StartsWith("NOPERM", (await client.CallAsync("SET", "orders:1", "v")).Text);
        Assert.False((await client.CallAsync("GET", "orders:1")).IsError);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ProxyV2_UnboundIdentityOrNone_NoAuthUntilAuth(string transport)
    {
        await using SlotgateServer server = await StartAsync(transport);
        await using RespTestClient stranger = await ConnectAsync(server, ProxyHeaders.V2(Source, Destination, Stranger), "GET", "cart:1");
        Assert.Equal(NoAuth, (await stranger.ReadAsync()).Text);
        Assert.Equal("OK", (await stranger.CallAsync("AUTH", "s3cret")).Text);
        Assert.False((await stranger.CallAsync("GET", "cart:1")).IsError);

        await using RespTestClient anonymous = await ConnectAsync(server, ProxyHeaders.V2(Source, Destination), "GET", "cart:1");
        Assert.Equal(NoAuth, (await anonymous.ReadAsync()).Text);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ProxyV1_Header_ClientListShowsOriginalAddress(string transport)
    {
        await using SlotgateServer server = await StartAsync(transport, o => o with { Auth = new AuthOptions() });
        await using RespTestClient client = await ConnectAsync(server, ProxyHeaders.V1("PROXY TCP4 192.0.2.10 198.51.100.7 51234 15088\r\n"), "PING");
        Assert.Equal("PONG", (await client.ReadAsync()).Text);
        string list = (await client.CallAsync("CLIENT", "LIST")).Text!;
        Assert.Contains("addr=192.0.2.10:51234 laddr=198.51.100.7:15088 ", list, StringComparison.Ordinal);
        Assert.DoesNotContain("identity=", list, StringComparison.Ordinal);

        using HttpClient http = AdminClient.For(server.AdminEndpoint!);
        string clients = await http.GetStringAsync("clients");
        Assert.Contains("\"addr\": \"192.0.2.10:51234\"", clients, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ProxyV2_Local_ServedWithSocketAddresses(string transport)
    {
        await using SlotgateServer server = await StartAsync(transport, o => o with { Auth = new AuthOptions() });
        await using RespTestClient client = await ConnectAsync(server, ProxyHeaders.V2Local(), "PING");
        Assert.Equal("PONG", (await client.ReadAsync()).Text);
        Assert.Contains("addr=127.0.0.1:", (await client.CallAsync("CLIENT", "INFO")).Text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ProxyListener_UntrustedPeer_ClosedWithLogLine(string transport)
    {
        await using SlotgateServer server = await StartAsync(transport, o => o with
        {
            ProxyProtocol = o.ProxyProtocol with { TrustedProxies = ["10.0.0.0/8", "fd00::/8"] },
        });
        await using RespTestClient client = await ConnectAsync(server, ProxyHeaders.V2(Source, Destination, Cart), "PING");
        Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        Assert.Contains(_logs, line => line.Contains("closed the connection from 127.0.0.1:", StringComparison.Ordinal)
            && line.Contains("not in proxyProtocol.trustedProxies", StringComparison.Ordinal));
        // The plain listener is not affected by the PROXY listener's rules.
        await using RespTestClient plain = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("OK", (await plain.CallAsync("AUTH", "s3cret")).Text);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ProxyListener_MalformedTruncatedOrLateHeaders_CloseOnlyTheirConnection(string transport)
    {
        await using SlotgateServer server = await StartAsync(transport);
        await using RespTestClient good = await ConnectAsync(server, ProxyHeaders.V2(Source, Destination, Cart), "SET", "cart:2", "before");
        Assert.Equal("OK", (await good.ReadAsync()).Text);

        // Plain RESP on a PROXY listener, a malformed v2 header, and a v1 header with a bad address: closed at once.
        await using RespTestClient resp = await ConnectAsync(server, [], "PING");
        await using RespTestClient malformed = await ConnectAsync(server, ProxyHeaders.Build(0x21, 0x11, new byte[5]), "PING");
        await using RespTestClient badV1 = await ConnectAsync(server, ProxyHeaders.V1("PROXY TCP4 10.1.2.300 10.9.8.7 1 2\r\n"), "PING");
        // Half a header, then the client goes away.
        byte[] header = ProxyHeaders.V2(Source, Destination, Cart);
        var truncated = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await truncated.ConnectAsync(server.ProxyProtocolEndpoints[0]);
        await truncated.SendAsync(header[..20]);
        truncated.Shutdown(SocketShutdown.Send);
        // Half a header, then nothing: closed at the header timeout (500 ms here).
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await using RespTestClient late = await ConnectAsync(server, header[..20]);

        Assert.True(await resp.IsClosedByServerAsync(TimeSpan.FromSeconds(5)), "plain RESP not closed");
        Assert.True(await malformed.IsClosedByServerAsync(TimeSpan.FromSeconds(5)), "malformed not closed");
        Assert.True(await badV1.IsClosedByServerAsync(TimeSpan.FromSeconds(5)), "bad v1 not closed");
        Assert.Equal(0, await truncated.ReceiveAsync(new byte[16]));
        truncated.Dispose();
        Assert.True(await late.IsClosedByServerAsync(TimeSpan.FromSeconds(5)), "late not closed");
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(400), $"late header closed after {watch.Elapsed}");

        // The good client, and a new one, are served throughout.
        Assert.Equal("before", (await good.CallAsync("GET", "cart:2")).Text);
        await using RespTestClient after = await ConnectAsync(server, ProxyHeaders.V2(Source, Destination, Cart), "GET", "cart:2");
        Assert.Equal("before", (await after.ReadAsync()).Text);
        string[] expected = ["not a PROXY protocol header", "too short for its addresses", "malformed addresses", "truncated", "proxyProtocol.headerTimeout"];
        foreach (string reason in expected)
        {
            Assert.Contains(_logs, line => line.Contains("PROXY protocol: closed the connection from 127.0.0.1:", StringComparison.Ordinal)
                && line.Contains(reason, StringComparison.Ordinal));
        }
    }

    /// <summary>Mutated headers over real sockets: each connection is served or closed, and the server keeps serving.</summary>
    [Theory]
    [MemberData(nameof(Transports))]
    public async Task ProxyListener_FuzzedHeaders_ClosedNeverCrash(string transport)
    {
        await using SlotgateServer server = await StartAsync(transport, o => o with { Auth = new AuthOptions() });
        var random = new Random(16);
        byte[][] seeds =
        [
            ProxyHeaders.V2(Source, Destination, Cart),
            ProxyHeaders.V2(IPEndPoint.Parse("[fd00::1]:1"), IPEndPoint.Parse("[fd00::2]:2"), Cart, (0x01, "redis"u8.ToArray())),
            ProxyHeaders.V1("PROXY TCP4 10.1.2.3 10.9.8.7 40000 15088\r\n"),
        ];
        for (int i = 0; i < 150; i++)
        {
            byte[] data = ProxyHeaderParserTests.Mutate(seeds[random.Next(seeds.Length)], random);
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(server.ProxyProtocolEndpoints[0]);
            await socket.SendAsync(data);
            // Then the client is done: whether its bytes were a header or not, the server must close the connection.
            socket.Shutdown(SocketShutdown.Send);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var scratch = new byte[4096];
            try
            {
                while (await socket.ReceiveAsync(scratch, SocketFlags.None, timeout.Token) > 0)
                {
                }
            }
            catch (SocketException)
            {
                // Reset by the server: closed too.
            }
        }
        await using RespTestClient client = await ConnectAsync(server, ProxyHeaders.V2(Source, Destination, Cart), "PING");
        Assert.Equal("PONG", (await client.ReadAsync()).Text);
        await using RespTestClient plain = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("PONG", (await plain.CallAsync("PING")).Text);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Identities_CommandsCountedByBucket_InInfoAndMetrics(string transport)
    {
        await using SlotgateServer server = await StartAsync(transport, o => o with
        {
            Auth = new AuthOptions(),
            Diagnostics = o.Diagnostics with { Identities = ["spiffe://cluster.local/ns/shop/sa/*"] },
        });
        await using RespTestClient cart = await ConnectAsync(server, ProxyHeaders.V2(Source, Destination, Cart), "PING");
        Assert.Equal("PONG", (await cart.ReadAsync()).Text);
        Assert.Equal("PONG", (await cart.CallAsync("PING")).Text);
        await using RespTestClient stranger = await ConnectAsync(server, ProxyHeaders.V2(Source, Destination, Stranger), "PING");
        Assert.Equal("PONG", (await stranger.ReadAsync()).Text);
        await using RespTestClient plain = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("PONG", (await plain.CallAsync("PING")).Text);

        string info = (await plain.CallAsync("INFO", "identities")).Text!;
        Assert.Contains("# Identities\r\n", info, StringComparison.Ordinal);
        Assert.Contains("identity_0:name=spiffe://cluster.local/ns/shop/sa/*,commands=2,connected_clients=1\r\n", info, StringComparison.Ordinal);
        Assert.Contains("identity_1:name=other,commands=1,connected_clients=1\r\n", info, StringComparison.Ordinal);
        // The plain client's PING is counted; the INFO being answered is not yet.
        Assert.Contains("identity_2:name=none,commands=1,connected_clients=1\r\n", info, StringComparison.Ordinal);
        Assert.DoesNotContain("# Identities", (await plain.CallAsync("INFO")).Text, StringComparison.Ordinal);

        using HttpClient http = AdminClient.For(server.AdminEndpoint!);
        string scrape = await http.GetStringAsync("metrics");
        Assert.Equal(2, AdminClient.Sample(scrape, "slotgate_identity_commands_total{identity=\"spiffe://cluster.local/ns/shop/sa/*\"}"));
        Assert.Equal(1, AdminClient.Sample(scrape, "slotgate_identity_commands_total{identity=\"other\"}"));
        Assert.Equal(1, AdminClient.Sample(scrape, "slotgate_identity_clients{identity=\"other\"}"));
        Assert.True(AdminClient.Sample(scrape, "slotgate_identity_commands_total{identity=\"none\"}") >= 2);

        string clients = await http.GetStringAsync("clients");
        Assert.Contains($"\"identity\": \"{Cart}\"", clients, StringComparison.Ordinal);
    }

    /// <summary>The header's source address is the one per-address limits, auth failures, SLOWLOG and the access log use.</summary>
    [Fact]
    public async Task ProxyV2_OriginalAddress_UsedByLimitsSlowLogAndAccessLog()
    {
        await using SlotgateServer server = await StartAsync(IoOptions.Epoll, o => o with
        {
            Limits = o.Limits with { MaxClientsPerAddress = 1 },
            Auth = o.Auth with { MaxFailuresPerMinute = 1 },
            Diagnostics = o.Diagnostics with { SlowlogThreshold = TimeSpan.Zero, AccessLog = true, AccessLogSampleRate = 1 },
        });
        IPEndPoint otherPort = IPEndPoint.Parse("10.1.2.3:40001");
        IPEndPoint otherHost = IPEndPoint.Parse("10.4.5.6:40000");
        await using RespTestClient first = await ConnectAsync(server, ProxyHeaders.V2(Source, Destination, Cart), "GET", "cart:3");
        Assert.False((await first.ReadAsync()).IsError);
        // Another connection from the same original address (all come from 127.0.0.1 on the socket) is one too many.
        await using RespTestClient second = await ConnectAsync(server, ProxyHeaders.V2(otherPort, Destination, Cart), "PING");
        Assert.Contains("too many connections from 10.1.2.3", (await second.ReadAsync()).Text, StringComparison.Ordinal);
        await using RespTestClient elsewhere = await ConnectAsync(server, ProxyHeaders.V2(otherHost, Destination, Stranger), "AUTH", "wrong");
        Assert.StartsWith("WRONGPASS", (await elsewhere.ReadAsync()).Text, StringComparison.Ordinal);
        Assert.Contains("too many failed authentication attempts from 10.4.5.6", (await elsewhere.CallAsync("AUTH", "wrong")).Text, StringComparison.Ordinal);
        // The first client's address has no failures: its AUTH is checked.
        Assert.StartsWith("WRONGPASS", (await first.CallAsync("AUTH", "wrong")).Text, StringComparison.Ordinal);

        RespValue slowlog = await first.CallAsync("SLOWLOG", "GET", "100");
        Assert.Contains(slowlog.ItemsOrEmpty, entry => entry.ItemsOrEmpty[4].Text == Source.ToString());
        Assert.Contains(_logs, line => line.StartsWith("Access ", StringComparison.Ordinal)
            && line.Contains($"addr={Source} cmd=get", StringComparison.Ordinal) && line.Contains($"identity={Cart}", StringComparison.Ordinal));
    }
}
