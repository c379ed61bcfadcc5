using System.Net;

namespace Slotgate.Tests.Hosting.Admin;

[Collection(ProxyCollection.Name)]
public class MetricsEndpointTests(ProxyFixture fixture)
{
    [Fact]
    public async Task Metrics_AfterKnownWorkload_CountersMatchCommandsSent()
    {
        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(fixture.Cluster);
        await using (var client = await RespTestClient.ConnectAsync(server.Endpoints[0]))
        {
            for (int i = 0; i < 10; i++)
            {
                Assert.Equal("OK", (await client.CallAsync("SET", $"metrics:{i}", "v")).Text);
            }
            for (int i = 0; i < 5; i++)
            {
                Assert.Equal("v", (await client.CallAsync("GET", $"metrics:{i}")).Text);
            }
            // Keys of different slots: one split command with one part per slot.
            Assert.Equal(3, (await client.CallAsync("MGET", "metrics:0", "metrics:1", "metrics:2")).ItemsOrEmpty.Count);
            Assert.True((await client.CallAsync("DBSIZE")).Integer >= 10);
            Assert.True((await client.CallAsync("NOSUCHCOMMAND")).IsError);
            Assert.True((await client.CallAsync("GET")).IsError); // wrong arity: an error Slotgate answers itself

            using HttpClient http = AdminClient.For(server.AdminEndpoint!);
            using HttpResponseMessage response = await http.GetAsync("metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
            string scrape = await response.Content.ReadAsStringAsync();

            Assert.Equal(10, AdminClient.Sample(scrape, "slotgate_commands_total{command=\"set\",result=\"ok\"}"));
            Assert.Equal(5, AdminClient.Sample(scrape, "slotgate_commands_total{command=\"get\",result=\"ok\"}"));
            Assert.Equal(1, AdminClient.Sample(scrape, "slotgate_commands_total{command=\"get\",result=\"error\"}"));
            Assert.Equal(1, AdminClient.Sample(scrape, "slotgate_commands_total{command=\"mget\",result=\"ok\"}"));
            Assert.Equal(1, AdminClient.Sample(scrape, "slotgate_commands_total{command=\"other\",result=\"error\"}"));
            Assert.Equal(10, AdminClient.Sample(scrape, "slotgate_command_duration_seconds_count{command=\"set\"}"));
            Assert.Equal(10, AdminClient.Sample(scrape, "slotgate_command_duration_seconds_bucket{command=\"set\",le=\"+Inf\"}"));
            Assert.Equal(1, AdminClient.Sample(scrape, "slotgate_commands_split_total"));
            Assert.Equal(3, AdminClient.Sample(scrape, "slotgate_commands_split_parts_total"));
            Assert.True(AdminClient.Sample(scrape, "slotgate_commands_fanout_total") >= 1);
            Assert.Equal(1, AdminClient.Sample(scrape, "slotgate_client_connections_total"));
            Assert.Equal(1, AdminClient.Sample(scrape, "slotgate_client_connections_active"));
            Assert.Equal(16384, AdminClient.Sample(scrape, "slotgate_topology_slots_covered"));
            Assert.Equal(3, AdminClient.Sample(scrape, "slotgate_topology_shards"));
            Assert.True(AdminClient.Sample(scrape, "slotgate_topology_epoch") >= 1);
            Assert.True(AdminClient.Sum(scrape, "slotgate_topology_refreshes_total", "result=\"ok\"") >= 1);
            // 10 SET + 5 GET + 3 MGET parts + 3 DBSIZE parts reached the primaries (plus topology requests).
            Assert.True(AdminClient.Sum(scrape, "slotgate_backend_requests_total", "result=\"ok\"") >= 21);
            Assert.True(AdminClient.Sum(scrape, "slotgate_backend_connections", "state=\"up\"") >= 3);
            Assert.Equal(0, AdminClient.Sample(scrape, "slotgate_commands_inflight"));
            Assert.Contains("# TYPE slotgate_command_duration_seconds histogram", scrape, StringComparison.Ordinal);
            Assert.Contains("# TYPE slotgate_commands_total counter", scrape, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Metrics_ClientBytes_CountReadAndWrittenBytesAndKeepClosedClients()
    {
        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(fixture.Cluster);
        using HttpClient http = AdminClient.For(server.AdminEndpoint!);
        await using (var client = await RespTestClient.ConnectAsync(server.Endpoints[0]))
        {
            // One command split over two writes counts once, when whole; an inline command counts as sent.
            await client.SendRawAsync("*1\r\n$4\r");
            await Task.Delay(50);
            await client.SendRawAsync("\nPING\r\n");
            Assert.Equal("PONG", (await client.ReadAsync()).Text);
            await client.SendRawAsync("PING\r\n");
            Assert.Equal("PONG", (await client.ReadAsync()).Text);

            string open = await http.GetStringAsync("metrics");
            Assert.Equal(14 + 6, AdminClient.Sample(open, "slotgate_client_bytes_total{direction=\"in\"}"));
            Assert.Equal(7 + 7, AdminClient.Sample(open, "slotgate_client_bytes_total{direction=\"out\"}"));
            Assert.Contains("# TYPE slotgate_client_bytes_total counter", open, StringComparison.Ordinal);
        }

        // Once the client has gone, its bytes stay counted (a counter never steps back).
        string closed = "";
        for (int i = 0; i < 100; i++)
        {
            closed = await http.GetStringAsync("metrics");
            if (AdminClient.Sample(closed, "slotgate_client_connections_active") == 0)
            {
                break;
            }
            await Task.Delay(20);
        }
        Assert.Equal(0, AdminClient.Sample(closed, "slotgate_client_connections_active"));
        Assert.Equal(20, AdminClient.Sample(closed, "slotgate_client_bytes_total{direction=\"in\"}"));
        Assert.Equal(14, AdminClient.Sample(closed, "slotgate_client_bytes_total{direction=\"out\"}"));
    }

    [Fact]
    public async Task Metrics_ClientAuth_CountedAsAuthFailure()
    {
        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(fixture.Cluster);
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.True((await client.CallAsync("AUTH", "nope")).IsError);
        using HttpClient http = AdminClient.For(server.AdminEndpoint!);
        string scrape = await http.GetStringAsync("metrics");
        Assert.Equal(1, AdminClient.Sample(scrape, "slotgate_auth_failures_total{side=\"client\"}"));
    }

    [Fact]
    public async Task Metrics_MovedDuringMigrationStaleMap_CountsRedirect()
    {
        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(fixture.Cluster);
        // Point one slot at the wrong primary, as a stale map would: the next command meets MOVED and follows it.
        string key = "metrics:moved";
        int slot = Slotgate.Cluster.HashSlot.Of(System.Text.Encoding.UTF8.GetBytes(key));
        string owner = server.Topology.Current.GetShard(slot)!.Primary.Endpoint;
        string other = server.Topology.Current.Shards.First(s => s.Primary.Endpoint != owner).Primary.Endpoint;
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        using HttpClient http = AdminClient.For(server.AdminEndpoint!);
        // A topology refresh still running from start-up may put the slot back between the two steps; then again.
        string scrape = "";
        int sets = 0;
        while (sets < 10)
        {
            server.Topology.ApplyMoved(slot, other);
            Assert.Equal("OK", (await client.CallAsync("SET", key, "v")).Text);
            sets++;
            scrape = await http.GetStringAsync("metrics");
            if (AdminClient.Sample(scrape, "slotgate_redirects_total{kind=\"moved\"}") >= 1)
            {
                break;
            }
        }
        Assert.True(AdminClient.Sample(scrape, "slotgate_redirects_total{kind=\"moved\"}") >= 1);
        Assert.Equal(sets, AdminClient.Sample(scrape, "slotgate_commands_total{command=\"set\",result=\"ok\"}"));
    }

    [Fact]
    public async Task Metrics_ProtocolErrorAndClientKill_CountedAsRejectedByReason()
    {
        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(fixture.Cluster);
        await using (var broken = await RespTestClient.ConnectAsync(server.Endpoints[0]))
        {
            await broken.SendRawAsync("*1\r\n$x\r\n");
            Assert.StartsWith("ERR Protocol error", (await broken.ReadAsync()).Text, StringComparison.Ordinal);
        }
        await using var victim = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        long id = (await victim.CallAsync("CLIENT", "ID")).Integer;
        await using var killer = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal(1, (await killer.CallAsync("CLIENT", "KILL", "ID", id.ToString(System.Globalization.CultureInfo.InvariantCulture))).Integer);
        using HttpClient http = AdminClient.For(server.AdminEndpoint!);
        string scrape = await http.GetStringAsync("metrics");
        Assert.Equal(1, AdminClient.Sample(scrape, "slotgate_client_connections_rejected_total{reason=\"protocol_error\"}"));
        Assert.Equal(1, AdminClient.Sample(scrape, "slotgate_client_connections_rejected_total{reason=\"killed\"}"));
    }

    [Fact]
    public async Task Admin_ListenOff_NoAdminEndpoint()
    {
        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(fixture.Cluster, o => o with { Admin = new AdminOptions { Listen = "off" } });
        Assert.Null(server.AdminEndpoint);
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("PONG", (await client.CallAsync("PING")).Text);
    }
}
