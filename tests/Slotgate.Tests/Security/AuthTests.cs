using Microsoft.Extensions.Logging;
using System.Net;
using System.Security.Cryptography;
using StackExchange.Redis;

namespace Slotgate.Tests.Security;

/// <summary>Client authentication against users configured in Slotgate, in front of the shared real cluster.</summary>
[Collection(ProxyCollection.Name)]
public class AuthTests(ProxyFixture fixture)
{
    private const string NoAuth = "NOAUTH Authentication required.";
    private const string WrongPass = "WRONGPASS invalid username-password pair or user is disabled.";

    private Task<SlotgateServer> StartAsync(AuthOptions auth) =>
        ProxyFixture.StartProxyAsync(fixture.Cluster, o => o with { Auth = auth });

    private static AuthOptions Users(params UserOptions[] users) => new() { Users = users };

    [Fact]
    public async Task Auth_NoUsersConfigured_RepliesLikeRedisWithoutPassword()
    {
        await using var client = await fixture.ConnectRawAsync();
        Assert.Equal("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
            (await client.CallAsync("AUTH", "x")).Text);
        Assert.Equal("OK", (await client.CallAsync("AUTH", "default", "anything")).Text);
        Assert.Equal(WrongPass, (await client.CallAsync("AUTH", "other", "x")).Text);
        Assert.Equal("default", (await client.CallAsync("ACL", "WHOAMI")).Text);
        Assert.False((await client.CallAsync("HELLO", "2", "AUTH", "default", "x")).IsError);
    }

    [Fact]
    public async Task Command_BeforeAuth_NoAuthUntilAuthenticated()
    {
        await using var server = await StartAsync(Users(new UserOptions { Name = "default", Passwords = ["s3cret"] }));
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal(NoAuth, (await client.CallAsync("GET", "auth:k")).Text);
        Assert.Equal(NoAuth, (await client.CallAsync("PING")).Text);
        Assert.Equal(NoAuth, (await client.CallAsync("ACL", "WHOAMI")).Text);
        Assert.StartsWith("ERR unknown command 'NOSUCH'", (await client.CallAsync("NOSUCH")).Text);
        Assert.StartsWith("NOAUTH HELLO must be called with the client already authenticated", (await client.CallAsync("HELLO", "3")).Text);
        Assert.Equal(WrongPass, (await client.CallAsync("AUTH", "wrong")).Text);
        Assert.Equal(NoAuth, (await client.CallAsync("GET", "auth:k")).Text);
        Assert.Equal("ERR syntax error", (await client.CallAsync("AUTH", "a", "b", "c")).Text);
        Assert.Equal("OK", (await client.CallAsync("AUTH", "s3cret")).Text);
        Assert.Equal("OK", (await client.CallAsync("SET", "auth:k", "v")).Text);
        Assert.Equal("v", (await client.CallAsync("GET", "auth:k")).Text);
        Assert.Equal("default", (await client.CallAsync("ACL", "WHOAMI")).Text);
        Assert.Equal("RESET", (await client.CallAsync("RESET")).Text);
        Assert.Equal(NoAuth, (await client.CallAsync("GET", "auth:k")).Text);
    }

    [Fact]
    public async Task Auth_UsernamePasswordAndRotation_EachPasswordAccepted()
    {
        string hash = Convert.ToHexString(SHA256.HashData("hashed-pass"u8)).ToLowerInvariant();
        await using var server = await StartAsync(Users(
            new UserOptions { Name = "app", Passwords = ["old-pass", "new-pass"], PasswordHashes = [hash] }));
        foreach (string password in new[] { "old-pass", "new-pass", "hashed-pass" })
        {
            await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
            Assert.Equal("OK", (await client.CallAsync("AUTH", "app", password)).Text);
            Assert.Equal("app", (await client.CallAsync("ACL", "WHOAMI")).Text);
            Assert.Contains("user=app", (await client.CallAsync("CLIENT", "INFO")).Text);
        }
        await using var other = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        // No "default" user is configured: AUTH without a username fails, as in Redis with the default user off.
        Assert.Equal(WrongPass, (await other.CallAsync("AUTH", "old-pass")).Text);
        Assert.Equal(WrongPass, (await other.CallAsync("AUTH", "nobody", "old-pass")).Text);
    }

    [Fact]
    public async Task Hello_WithAuth_AuthenticatesAndSwitchesProtocol()
    {
        await using var server = await StartAsync(Users(new UserOptions { Name = "app", Passwords = ["pw"] }));
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal(WrongPass, (await client.CallAsync("HELLO", "3", "AUTH", "app", "bad")).Text);
        RespValue hello = await client.CallAsync("HELLO", "3", "AUTH", "app", "pw", "SETNAME", "svc");
        Assert.Equal('%', hello.Type);
        Assert.Equal("svc", (await client.CallAsync("CLIENT", "GETNAME")).Text);
    }

    [Fact]
    public async Task Auth_PasswordFileChanged_NewPasswordAcceptedWithoutRestart()
    {
        string file = Path.Combine(Path.GetTempPath(), "slotgate-auth-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(file, "first\n");
        try
        {
            await using var server = await StartAsync(Users(new UserOptions { Name = "default", PasswordFiles = [file] }));
            await using (var client = await RespTestClient.ConnectAsync(server.Endpoints[0]))
            {
                Assert.Equal("OK", (await client.CallAsync("AUTH", "first")).Text);
            }
            await File.WriteAllTextAsync(file, "second\nthird\n");
            await Task.Delay(Slotgate.Security.PasswordSet.FileRecheckInterval + TimeSpan.FromMilliseconds(200));
            await using var after = await RespTestClient.ConnectAsync(server.Endpoints[0]);
            Assert.Equal(WrongPass, (await after.CallAsync("AUTH", "first")).Text);
            Assert.Equal("OK", (await after.CallAsync("AUTH", "third")).Text);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Auth_TooManyFailures_AddressRefusedEvenWithRightPassword()
    {
        await using var server = await StartAsync(new AuthOptions
        {
            Users = [new UserOptions { Name = "default", Passwords = ["right"] }],
            MaxFailuresPerMinute = 3,
        });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(WrongPass, (await client.CallAsync("AUTH", "guess" + i)).Text);
        }
        RespValue refused = await client.CallAsync("AUTH", "right");
        Assert.StartsWith("ERR Slotgate: too many failed authentication attempts from 127.0.0.1", refused.Text);
        // The connection survives, as after any error reply.
        Assert.Equal(NoAuth, (await client.CallAsync("GET", "k")).Text);
    }

    [Fact]
    public async Task Ping_AllowPingConfigured_AnsweredBeforeAuth()
    {
        await using var server = await StartAsync(new AuthOptions { Users = [new UserOptions { Name = "default", Passwords = ["p"] }], AllowPing = true });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("PONG", (await client.CallAsync("PING")).Text);
        Assert.Equal(NoAuth, (await client.CallAsync("GET", "k")).Text);
    }

    [Fact]
    public async Task DefaultUser_NoPass_ConnectionsStartAuthenticatedWithItsRules()
    {
        await using var server = await StartAsync(Users(
            new UserOptions { Name = "default", NoPass = true, Rules = "+@read ~*" },
            new UserOptions { Name = "writer", Passwords = ["w"] }));
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.False((await client.CallAsync("GET", "auth:nopass")).IsError);
        Assert.Equal("NOPERM this user has no permissions to run the 'set' command", (await client.CallAsync("SET", "auth:nopass", "1")).Text);
        Assert.Equal("OK", (await client.CallAsync("AUTH", "writer", "w")).Text);
        Assert.Equal("OK", (await client.CallAsync("SET", "auth:nopass", "1")).Text);
    }

    [Fact]
    public async Task Unauthenticated_OversizedRequest_ProtocolErrorAndClosed()
    {
        await using var server = await StartAsync(Users(new UserOptions { Name = "default", Passwords = ["p"] }));
        await using (var client = await RespTestClient.ConnectAsync(server.Endpoints[0]))
        {
            await client.SendRawAsync("*2\r\n$4\r\nAUTH\r\n$20000\r\n");
            Assert.Equal("ERR Protocol error: unauthenticated bulk length", (await client.ReadAsync()).Text);
            Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        }
        await using (var client = await RespTestClient.ConnectAsync(server.Endpoints[0]))
        {
            await client.SendRawAsync("*11\r\n");
            Assert.Equal("ERR Protocol error: unauthenticated multibulk length", (await client.ReadAsync()).Text);
            Assert.True(await client.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        }
        await using (var client = await RespTestClient.ConnectAsync(server.Endpoints[0]))
        {
            // Once authenticated, the ordinary limits apply.
            Assert.Equal("OK", (await client.CallAsync("AUTH", "p")).Text);
            Assert.Equal("OK", (await client.CallAsync("SET", "auth:big", new string('x', 20_000))).Text);
        }
    }

    [Fact]
    public async Task Unauthenticated_TimeoutElapsed_ConnectionClosed()
    {
        await using var server = await StartAsync(new AuthOptions
        {
            Users = [new UserOptions { Name = "default", Passwords = ["p"] }],
            Timeout = TimeSpan.FromMilliseconds(300),
        });
        await using var idle = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        await using var authenticated = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("OK", (await authenticated.CallAsync("AUTH", "p")).Text);
        Assert.True(await idle.IsClosedByServerAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal("PONG", (await authenticated.CallAsync("PING")).Text);
    }

    [Fact]
    public async Task Secrets_AuthAtTraceLevel_NeverInLogsInfoOrClientList()
    {
        var logs = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var options = new SlotgateOptions
        {
            Listen = ["127.0.0.1:0"],
            Admin = new AdminOptions { Listen = "off" },
            Cluster = new ClusterOptions { Seeds = [fixture.Cluster.SeedEndpoints[0]] },
            Auth = Users(new UserOptions { Name = "app", Passwords = ["Pa55-secret-word"] }),
            Logging = new LoggingOptions { LogLevel = "Trace" },
        };
        await using (SlotgateServer server = await SlotgateServer.StartAsync(options, logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            logging.AddProvider(new LogCollector(logs));
        }))
        {
            await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
            Assert.Equal(WrongPass, (await client.CallAsync("AUTH", "app", "Pa55-wrong-word")).Text);
            Assert.Equal("OK", (await client.CallAsync("AUTH", "app", "Pa55-secret-word")).Text);
            Assert.False((await client.CallAsync("HELLO", "2", "AUTH", "app", "Pa55-secret-word")).IsError);
            string views = (await client.CallAsync("INFO")).Text + (await client.CallAsync("CLIENT", "LIST")).Text
                + SlotgateConfiguration.Render(options);
            Assert.DoesNotContain("Pa55", views, StringComparison.Ordinal);
        }
        Assert.NotEmpty(logs);
        Assert.DoesNotContain(logs, line => line.Contains("Pa55", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StackExchangeRedis_UserAndPassword_Works()
    {
        await using var server = await StartAsync(Users(new UserOptions { Name = "app", Passwords = ["pw"], Rules = "+@all ~app:*" }));
        await using var redis = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { server.Endpoints[0] },
            User = "app",
            Password = "pw",
            AbortOnConnectFail = true,
        });
        IDatabase db = redis.GetDatabase();
        await db.StringSetAsync("app:se", "1");
        Assert.Equal("1", (string?)await db.StringGetAsync("app:se"));
        var denied = await Assert.ThrowsAsync<RedisServerException>(() => db.StringSetAsync("other:se", "1"));
        Assert.StartsWith("NOPERM", denied.Message);
    }

    [Fact]
    public async Task RedisCli_UserAndPassword_Works()
    {
        await using var server = await StartAsync(Users(new UserOptions { Name = "cli", Passwords = ["pw"] }));
        IPEndPoint endpoint = server.Endpoints[0];
        async Task<string> Run(params string[] args)
        {
            (string output, string error, int _) = await RedisCli.RunAsync(
                ["-p", endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. args], string.Empty);
            return (error + output).Trim();
        }
        Assert.Equal("NOAUTH Authentication required.", await Run("GET", "cli:k"));
        Assert.Equal("OK", await Run("--user", "cli", "--pass", "pw", "--no-auth-warning", "SET", "cli:k", "v"));
        Assert.Equal("v", await Run("--user", "cli", "--pass", "pw", "--no-auth-warning", "GET", "cli:k"));
        // redis-cli reports the failed AUTH on stderr and still sends the command, which is refused.
        string refused = await Run("--user", "cli", "--pass", "bad", "--no-auth-warning", "GET", "cli:k");
        Assert.Contains("WRONGPASS", refused);
        Assert.Contains("NOAUTH", refused);
    }
}
