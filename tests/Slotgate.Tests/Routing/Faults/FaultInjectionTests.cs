using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Slotgate.Faults;

namespace Slotgate.Tests.Routing.Faults;

[Collection(ProxyCollection.Name)]
public class FaultInjectionTests(ProxyFixture fixture)
{
    private Task<SlotgateServer> StartAsync(params FaultOptions[] faults) =>
        ProxyFixture.StartProxyAsync(fixture.Cluster, o => o with { Faults = faults });

    [Fact]
    public async Task Faults_ErrorAtHundredPercentForGet_GetFailsOtherCommandsWork()
    {
        await using SlotgateServer server = await StartAsync(new FaultOptions { Type = "error", Percent = 100, Commands = ["get"] });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        Assert.Equal("OK", (await client.CallAsync("SET", "fault:a", "1")).Text);
        Assert.Equal(FaultInjector.ErrorReply, (await client.CallAsync("GET", "fault:a")).Text);
        Assert.Equal("1", (await client.CallAsync("MGET", "fault:a"))!.Items![0].Text);
        Assert.Equal("PONG", (await client.CallAsync("PING")).Text);

        // Counted with Slotgate's other metrics, as Envoy counts error_fault.
        using System.Net.Http.HttpClient http = AdminClient.For(server.AdminEndpoint!);
        string scrape = await http.GetStringAsync("metrics");
        Assert.Contains("slotgate_faults_injected_total{type=\"error\"} 1", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Faults_ErrorForEveryCommand_AuthHelloAndPingNeverFaulted()
    {
        await using SlotgateServer server = await StartAsync(new FaultOptions { Type = "error", Percent = 100 });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        Assert.Equal("PONG", (await client.CallAsync("PING")).Text);
        Assert.NotEqual(FaultInjector.ErrorReply, (await client.CallAsync("AUTH", "nobody-configured-a-password")).Text);
        Assert.False((await client.CallAsync("HELLO", "2")).IsError);
        Assert.Equal(FaultInjector.ErrorReply, (await client.CallAsync("SET", "fault:b", "1")).Text);
        Assert.Equal(FaultInjector.ErrorReply, (await client.CallAsync("DBSIZE")).Text);
    }

    [Fact]
    public async Task Faults_ZeroPercent_NothingInjected()
    {
        await using SlotgateServer server = await StartAsync(new FaultOptions { Type = "error", Percent = 0 });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        for (int i = 0; i < 200; i++)
        {
            await client.SendAsync("SET", "fault:zero", "1");
        }
        for (int i = 0; i < 200; i++)
        {
            Assert.Equal("OK", (await client.ReadAsync()).Text);
        }
    }

    [Fact]
    public async Task Faults_ThirtyPercent_AboutThatShareFails()
    {
        await using SlotgateServer server = await StartAsync(new FaultOptions { Type = "error", Percent = 30, Commands = ["SET"] });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        const int total = 1000;
        for (int i = 0; i < total; i++)
        {
            await client.SendAsync("SET", "fault:share", "1");
        }
        int faulted = 0;
        for (int i = 0; i < total; i++)
        {
            RespValue reply = await client.ReadAsync();
            faulted += reply.Text == FaultInjector.ErrorReply ? 1 : 0;
            Assert.True(reply.Text is "OK" || reply.Text == FaultInjector.ErrorReply, reply.ToString());
        }
        // Binomial(1000, 0.3): mean 300, standard deviation about 14.5; the bounds are seven deviations out.
        Assert.InRange(faulted, 200, 400);
    }

    [Fact]
    public async Task Faults_DelayAtHundredPercent_ReplyHeldBackAndCorrect()
    {
        await using SlotgateServer server = await StartAsync(new FaultOptions { Type = "delay", Percent = 100, Delay = TimeSpan.FromMilliseconds(400), Commands = ["GET"] });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        Assert.Equal("OK", (await client.CallAsync("SET", "fault:delay", "v")).Text);

        var watch = Stopwatch.StartNew();
        Assert.Equal("v", (await client.CallAsync("GET", "fault:delay")).Text);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(390), $"reply after {watch.Elapsed}");

        // A pipelined command behind the delayed one keeps its place: replies stay in order.
        await client.SendAsync("GET", "fault:delay");
        await client.SendAsync("PING");
        Assert.Equal("v", (await client.ReadAsync()).Text);
        Assert.Equal("PONG", (await client.ReadAsync()).Text);
    }

    [Fact]
    public async Task CustomCommands_ModuleCommand_RoutedByFirstKeyAndArityChecked()
    {
        var logs = new LogCollector();
        await using SlotgateServer server = await SlotgateServer.StartAsync(new SlotgateOptions
        {
            Listen = ["127.0.0.1:0"],
            Admin = new AdminOptions { Listen = "off" },
            Cluster = new ClusterOptions { Seeds = [fixture.Cluster.SeedEndpoints[0]] },
            Routing = new RoutingOptions { CustomCommands = ["JSON.GET", "bf.add"] },
            // The level switch (logging.logLevel) filters every logger, so the routing lines need Debug here too.
            Logging = new LoggingOptions { LogLevel = "Debug" },
        }, logging =>
        {
            logging.SetMinimumLevel(LogLevel.Debug);
            logging.AddProvider(logs);
        });
        await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);

        // The test cluster has no modules, so the node itself answers; what matters is that Slotgate sent it there.
        RespValue reply = await client.CallAsync("JSON.GET", "custom:doc", "$");
        Assert.StartsWith("ERR unknown command 'JSON.GET'", reply.Text, StringComparison.Ordinal);
        int slot = Slotgate.Cluster.HashSlot.Of("custom:doc"u8);
        Assert.Contains(logs.Lines, line => line.StartsWith($"Route JSON.GET slot {slot} -> ", StringComparison.Ordinal));
        await client.CallAsync("BF.ADD", "{custom}:filter", "item");
        int tagSlot = Slotgate.Cluster.HashSlot.Of("custom"u8);
        Assert.Contains(logs.Lines, line => line.StartsWith($"Route BF.ADD slot {tagSlot} -> ", StringComparison.Ordinal));

        Assert.Equal("ERR wrong number of arguments for 'json.get' command", (await client.CallAsync("JSON.GET")).Text);
    }

    [Fact]
    public async Task CustomCommands_NotConfigured_UnknownToSlotgate()
    {
        await using var client = await fixture.ConnectRawAsync();
        Assert.StartsWith("ERR unknown command 'JSON.GET'", (await client.CallAsync("JSON.GET", "custom:doc")).Text, StringComparison.Ordinal);
    }
}
