using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Slotgate.Admin;

namespace Slotgate.Tests.Hosting.Admin;

[Collection(ProxyCollection.Name)]
public class AdminApiTests(ProxyFixture fixture)
{
    private HttpClient Http() => AdminClient.For(fixture.Server.AdminEndpoint!);

    [Fact]
    public async Task Healthz_Running_Returns200()
    {
        using HttpClient http = Http();
        using HttpResponseMessage response = await http.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readyz_AllSlotsCovered_Returns200()
    {
        using HttpClient http = Http();
        using HttpResponseMessage response = await http.GetAsync("readyz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ready\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void Readiness_SlotsMissingOrDraining_NotReadyWithReason()
    {
        var node = new ClusterNode("a", "127.0.0.1:1", IsPrimary: true);
        var half = new SlotMap([new Shard(node, [], [new SlotRange(0, 8191)])], 1);
        var full = new SlotMap([new Shard(node, [], [new SlotRange(0, 16383)])], 1);
        Assert.Equal("8192/16384 slots covered (unserved slots 8192-16383)", Readiness.Check(half, draining: false));
        Assert.Equal("0/16384 slots covered (no topology yet)", Readiness.Check(SlotMap.Empty, draining: false));
        Assert.Equal("draining (shutting down)", Readiness.Check(full, draining: true));
        Assert.Null(Readiness.Check(full, draining: false));
    }

    [Fact]
    public async Task Readyz_AfterShutdownBegins_Returns503Draining()
    {
        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(fixture.Cluster);
        using HttpClient http = AdminClient.For(server.AdminEndpoint!);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("readyz")).StatusCode);
        // Keep the shutdown waiting on an open client session, so the admin listener is still up while draining.
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        await client.SendAsync("BLPOP", "admin:drain", "3");
        await Task.Delay(200);
        server.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().StopApplication();
        using HttpResponseMessage response = await http.GetAsync("readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("draining", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Topology_ThreeShardCluster_ShardsRolesSlotsAndLatency()
    {
        await fixture.Db.StringSetAsync("admin:topology", "1");
        using HttpClient http = Http();
        using JsonDocument json = JsonDocument.Parse(await http.GetStringAsync("topology"));
        JsonElement root = json.RootElement;
        Assert.True(root.GetProperty("fullyCovered").GetBoolean());
        Assert.Equal(16384, root.GetProperty("slotsCovered").GetInt32());
        Assert.True(root.GetProperty("epoch").GetInt64() >= 1);
        JsonElement shards = root.GetProperty("shards");
        Assert.Equal(3, shards.GetArrayLength());
        Assert.Equal(16384, shards.EnumerateArray().Sum(s => s.GetProperty("slotCount").GetInt32()));
        foreach (JsonElement shard in shards.EnumerateArray())
        {
            JsonElement primary = shard.GetProperty("primary");
            Assert.Equal("primary", primary.GetProperty("role").GetString());
            Assert.True(primary.GetProperty("healthy").GetBoolean());
            Assert.Contains(primary.GetProperty("endpoint").GetString(), fixture.Cluster.SeedEndpoints);
            Assert.True(shard.GetProperty("slots").GetArrayLength() >= 1);
            Assert.All(shard.GetProperty("replicas").EnumerateArray(), r => Assert.Equal("replica", r.GetProperty("role").GetString()));
        }
        Assert.Contains(shards.EnumerateArray(), s => s.GetProperty("primary").GetProperty("requests").GetInt64() > 0 &&
            s.GetProperty("primary").GetProperty("latencyP99Ms").GetDouble() > 0);
        Assert.Equal(0, root.GetProperty("migrations").GetArrayLength());
    }

    [Fact]
    public async Task TopologyRefresh_Post_RefreshesAndReportsEpoch()
    {
        using HttpClient http = Http();
        using HttpResponseMessage response = await http.PostAsync("topology/refresh", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(json.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(fixture.Server.Topology.Current.Version, json.RootElement.GetProperty("epoch").GetInt64());
    }

    [Fact]
    public async Task Clients_NamedClientConnected_ListedWithNameAndLastCommand()
    {
        await using var client = await fixture.ConnectRawAsync();
        Assert.Equal("OK", (await client.CallAsync("CLIENT", "SETNAME", "admin-clients-test")).Text);
        long id = (await client.CallAsync("CLIENT", "ID")).Integer;
        using HttpClient http = Http();
        using JsonDocument json = JsonDocument.Parse(await http.GetStringAsync("clients"));
        JsonElement mine = json.RootElement.EnumerateArray().Single(c => c.GetProperty("id").GetInt64() == id);
        Assert.Equal("admin-clients-test", mine.GetProperty("name").GetString());
        Assert.Equal("client|id", mine.GetProperty("cmd").GetString());
        Assert.Equal(2, mine.GetProperty("resp").GetInt32());
    }

    [Fact]
    public async Task LogLevel_PostDebug_DebugLogsEnabledAtOnce_InvalidRefused()
    {
        var options = new SlotgateOptions
        {
            Listen = ["127.0.0.1:0"],
            Cluster = new ClusterOptions { Seeds = [fixture.Cluster.SeedEndpoints[0]] },
            Admin = new AdminOptions { Listen = "127.0.0.1:0" },
            Logging = new LoggingOptions { LogLevel = "Warning" },
        };
        // No minimum of its own in the logging setup, as in production: the switch alone decides (the collector's
        // loggers accept every level).
        await using SlotgateServer server = await SlotgateServer.StartAsync(options, logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new LogCollector()));
        ILogger logger = server.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Slotgate.Test");
        Assert.False(logger.IsEnabled(LogLevel.Information));
        using HttpClient http = AdminClient.For(server.AdminEndpoint!);
        using HttpResponseMessage set = await http.PostAsync("log-level", new StringContent("debug", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Contains("\"level\": \"Debug\"", await set.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(logger.IsEnabled(LogLevel.Debug));
        Assert.False(logger.IsEnabled(LogLevel.Trace));
        Assert.Contains("Debug", await http.GetStringAsync("log-level"), StringComparison.Ordinal);
        using HttpResponseMessage bad = await http.PostAsync("log-level?level=loud", null);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True(logger.IsEnabled(LogLevel.Debug));
    }

    [Fact]
    public async Task Config_Get_EffectiveYamlWithSecretsMasked()
    {
        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(fixture.Cluster, o => o with
        {
            Admin = new AdminOptions { Listen = "127.0.0.1:0", Username = "ops", Password = "s3cret-pass", Token = "s3cret-token" },
        });
        using HttpClient http = AdminClient.For(server.AdminEndpoint!,
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:s3cret-pass"))));
        string yaml = await http.GetStringAsync("config");
        Assert.Contains("admin:\n  listen: \"127.0.0.1:0\"\n  username: \"ops\"\n  password: \"***\"\n  token: \"***\"", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", yaml, StringComparison.Ordinal);
        Assert.Contains(fixture.Cluster.SeedEndpoints[0], yaml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authentication_Configured_RefusesWithoutCredentialsExceptProbes()
    {
        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(fixture.Cluster, o => o with
        {
            Admin = new AdminOptions { Listen = "127.0.0.1:0", Username = "ops", Password = "pw", Token = "tok" },
        });
        using HttpClient anonymous = AdminClient.For(server.AdminEndpoint!);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("topology/refresh", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("readyz")).StatusCode);
        using HttpClient wrong = AdminClient.For(server.AdminEndpoint!, new AuthenticationHeaderValue("Bearer", "nope"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("metrics")).StatusCode);
        using HttpClient bearer = AdminClient.For(server.AdminEndpoint!, new AuthenticationHeaderValue("Bearer", "tok"));
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("metrics")).StatusCode);
        using HttpClient basic = AdminClient.For(server.AdminEndpoint!,
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("ops:pw"))));
        Assert.Equal(HttpStatusCode.OK, (await basic.GetAsync("clients")).StatusCode);
    }
}
