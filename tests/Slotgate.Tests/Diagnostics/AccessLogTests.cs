using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Slotgate.Tests.Diagnostics;

[Collection(ProxyCollection.Name)]
public class AccessLogTests(ProxyFixture fixture)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AccessLog_Enabled_OneLinePerCommandValuesOnlyWhenAsked(bool arguments)
    {
        var lines = new ConcurrentQueue<string>();
        var options = new SlotgateOptions
        {
            Listen = ["127.0.0.1:0"],
            Cluster = new ClusterOptions { Seeds = [fixture.Cluster.SeedEndpoints[0]] },
            Admin = new AdminOptions { Listen = "off" },
            Diagnostics = new DiagnosticsOptions { AccessLog = true, AccessLogSampleRate = 1, AccessLogArguments = arguments },
        };
        await using (SlotgateServer server = await SlotgateServer.StartAsync(options, logging =>
            logging.SetMinimumLevel(LogLevel.Information).AddProvider(new LogCollector(lines, "Slotgate.Access"))))
        {
            await using var client = await RespTestClient.ConnectAsync(server.Endpoints[0]);
            await client.CallAsync("SET", "access:key", "secret-value-" + new string('v', 40));
            await client.CallAsync("GET");
        }
        string set = Assert.Single(lines, l => l.Contains("cmd=set", StringComparison.Ordinal));
        Assert.Contains(" args=2 result=ok us=", set, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("cmd=get args=0 result=error", StringComparison.Ordinal));
        if (arguments)
        {
            Assert.EndsWith(" access:key secret-value-vvvvvvvvvvvvvvvvvvv…", set, StringComparison.Ordinal);
        }
        else
        {
            Assert.DoesNotContain("secret", set, StringComparison.Ordinal);
            Assert.DoesNotContain("access:key", set, StringComparison.Ordinal);
        }
    }
}
