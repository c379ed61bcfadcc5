using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Slotgate.Tests.Hosting;

[Collection(ProxyCollection.Name)]
public class SlotgateServerTests(ProxyFixture fixture)
{
    [Fact]
    public async Task StartAsync_TwoListeners_BothServeAndDebugLogShowsRouting()
    {
        var logs = new ConcurrentQueue<string>();
        var options = new SlotgateOptions
        {
            Listen = ["127.0.0.1:0", "127.0.0.2:0"],
            Cluster = new ClusterOptions { Seeds = [fixture.Cluster.SeedEndpoints[0]] },
            Admin = new AdminOptions { Listen = "127.0.0.1:0" },
            Logging = new LoggingOptions { LogLevel = "Debug" },
        };
        await using SlotgateServer server = await SlotgateServer.StartAsync(options, logging =>
        {
            logging.SetMinimumLevel(LogLevel.Debug);
            logging.AddProvider(new LogCollector(logs));
        });

        Assert.Equal(2, server.Endpoints.Count);
        foreach (System.Net.IPEndPoint endpoint in server.Endpoints)
        {
            await using var client = await RespTestClient.ConnectAsync(endpoint);
            Assert.Equal("OK", (await client.CallAsync("SET", "listeners:key", endpoint.ToString())).Text);
        }

        int slot = Slotgate.Cluster.HashSlot.Of("listeners:key"u8);
        Assert.Contains(logs, line => line.Contains($"Route SET slot {slot} -> 127.0.0.1:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DisabledCommands_Configured_RefusedWithReasonOthersWork()
    {
        var options = new SlotgateOptions
        {
            Listen = ["127.0.0.1:0"],
            Cluster = new ClusterOptions { Seeds = [fixture.Cluster.SeedEndpoints[0]] },
            Admin = new AdminOptions { Listen = "127.0.0.1:0" },
            Routing = new RoutingOptions { DisabledCommands = ["FLUSHALL", "flushdb", "SCRIPT FLUSH", "CONFIG"] },
        };
        await using SlotgateServer server = await SlotgateServer.StartAsync(options, logging => logging.SetMinimumLevel(LogLevel.Warning));
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("ERR Slotgate: 'FLUSHALL' is disabled by configuration (routing.disabledCommands)", (await client.CallAsync("FLUSHALL")).Text);
        Assert.Equal("ERR Slotgate: 'FLUSHDB' is disabled by configuration (routing.disabledCommands)", (await client.CallAsync("FLUSHDB")).Text);
        Assert.Equal("ERR Slotgate: 'SCRIPT FLUSH' is disabled by configuration (routing.disabledCommands)", (await client.CallAsync("SCRIPT", "FLUSH")).Text);
        Assert.Equal("OK", (await client.CallAsync("SET", "disabled:other", "1")).Text);
        // Disabling a container disables every subcommand under it.
        Assert.Equal("ERR Slotgate: 'CONFIG GET' is disabled by configuration (routing.disabledCommands)", (await client.CallAsync("CONFIG", "GET", "maxmemory")).Text);
        Assert.Equal("ERR Slotgate: 'SCRIPT FLUSH' is disabled by configuration (routing.disabledCommands)", (await client.CallAsync("SCRIPT", "FLUSH")).Text);
        Assert.Equal('$', (await client.CallAsync("SCRIPT", "LOAD", "return 1")).Type);

        Assert.Contains(SlotgateConfiguration.Validate(options with { Routing = new RoutingOptions { DisabledCommands = ["FLUSHAL"] } }),
            error => error == "routing.disabledCommands[0]: 'FLUSHAL' is not a Redis command");
    }

    [Fact]
    public async Task ReadFromReplica_Reads_ServedByReplicasOnReadOnlyConnections_WritesByPrimaries()
    {
        // The replicas must be known (they are learned once attached and in sync).
        await Wait.UntilReplicasHealthyAsync(fixture.Server, TimeSpan.FromSeconds(15));
        var options = new SlotgateOptions
        {
            Listen = ["127.0.0.1:0"],
            Cluster = new ClusterOptions { Seeds = [fixture.Cluster.SeedEndpoints[0]] },
            Admin = new AdminOptions { Listen = "127.0.0.1:0" },
            Routing = new RoutingOptions { ReadFrom = "replica" },
        };
        await using SlotgateServer server = await SlotgateServer.StartAsync(options, logging => logging.SetMinimumLevel(LogLevel.Warning));
        await Wait.UntilReplicasHealthyAsync(server, TimeSpan.FromSeconds(15));
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        for (int i = 0; i < 12; i++)
        {
            Assert.Equal("OK", (await client.CallAsync("SET", $"replica-read:{i}", $"v{i}")).Text);
        }
        Assert.True((await client.CallAsync("WAIT", "1", "5000")).Integer >= 1);
        for (int i = 0; i < 12; i++)
        {
            Assert.Equal($"v{i}", (await client.CallAsync("GET", $"replica-read:{i}")).Text);
        }
        // The replicas see READONLY clients (flags=r): Slotgate's read connections.
        int readOnlyClients = 0;
        foreach (var replica in fixture.Cluster.Replicas)
        {
            string clients = await fixture.Cluster.ExecuteAsync(replica, "CLIENT", "LIST");
            readOnlyClients += clients.Split('\n').Count(line => line.Contains(" flags=r ", StringComparison.Ordinal));
        }
        Assert.True(readOnlyClients >= 1, "no READONLY connection on any replica");

        Assert.Contains(SlotgateConfiguration.Validate(options with { Routing = new RoutingOptions { ReadFrom = "sometimes" } }),
            error => error.StartsWith("routing.readFrom: must be one of primary, prefer-primary, replica, prefer-replica, any", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_InvalidConfiguration_ReportsEveryErrorAndExits2()
    {
        var error = new StringWriter();
        TextWriter original = Console.Error;
        Console.SetError(error);
        try
        {
            int exit = await SlotgateCommandLine.RunAsync(["--seed", "redis-0:70x0", "--connections-per-node", "0"]);
            Assert.Equal(2, exit);
        }
        finally
        {
            Console.SetError(original);
        }
        string text = error.ToString();
        Assert.Contains("cluster.seeds[0]", text, StringComparison.Ordinal);
        Assert.Contains("backend.connectionsPerNode", text, StringComparison.Ordinal);
    }
}
