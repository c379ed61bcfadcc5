using System.Globalization;
using System.Text.RegularExpressions;

namespace Slotgate.Tests.Hosting.Admin;

[Collection(ProxyCollection.Name)]
public class DashboardTests(ProxyFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Dashboard_InHeadlessChromium_ShowsThreeShardsAndOpsRiseUnderLoad()
    {
        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(fixture.Cluster);
        string url = $"http://{server.AdminEndpoint}/";

        string idle = await HeadlessChromium.DumpDomAsync(url, TimeSpan.FromSeconds(4));
        Assert.Matches("<canvas id=\"slots\"[^>]*data-shards=\"3\"", idle);
        Assert.Equal(3, Regex.Matches(idle, "class=\"shard-row\" data-ops=\"[0-9]").Count); // rows drawn, not the script's template
        Assert.Equal(16384, Regex.Matches(idle, "class=\"shard-legend\" data-slots=\"(\\d+)\"").Sum(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
        Assert.Equal(0, TotalOps(idle));

        using var load = new CancellationTokenSource();
        Task[] clients = [.. Enumerable.Range(0, 4).Select(c => LoadAsync(server, c, load.Token))];
        try
        {
            await Task.Delay(500);
            string busy = await HeadlessChromium.DumpDomAsync(url, TimeSpan.FromSeconds(4));
            double ops = TotalOps(busy);
            output.WriteLine($"ops/s under load: {ops}");
            Assert.True(ops > 0, "ops/s did not move under load");
            Assert.Contains("data-command=\"set\"", busy, StringComparison.Ordinal);
            Assert.Contains("data-command=\"get\"", busy, StringComparison.Ordinal);
            Assert.Contains(Regex.Matches(busy, "class=\"shard-row\" data-ops=\"([0-9.e+-]+)\""),
                m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) > 0);

            string screenshot = Path.Combine(Path.GetTempPath(), $"slotgate-dashboard-{Environment.ProcessId}.png");
            await HeadlessChromium.ScreenshotAsync(url, screenshot, TimeSpan.FromSeconds(4));
            byte[] png = await File.ReadAllBytesAsync(screenshot);
            Assert.True(png.Length > 10_000, $"screenshot is only {png.Length} bytes");
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
            if (Environment.GetEnvironmentVariable("SLOTGATE_UPDATE_DOCS") == "1")
            {
                File.Copy(screenshot, Path.Combine(RepositoryFiles.Root, "docs", "dashboard.png"), overwrite: true);
            }
            File.Delete(screenshot);
        }
        finally
        {
            await load.CancelAsync();
            await Task.WhenAll(clients);
        }
    }

    private static double TotalOps(string dom)
    {
        Match match = Regex.Match(dom, "id=\"total-ops\" data-value=\"([0-9.e+-]+)\"");
        Assert.True(match.Success, "no ops/s figure on the page");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static async Task LoadAsync(SlotgateServer server, int client, CancellationToken stop)
    {
        await using var connection = await RespTestClient.ConnectAsync(server.Endpoints[0]);
        for (int i = 0; !stop.IsCancellationRequested; i++)
        {
            string key = $"dashboard:{client}:{i % 500}";
            await connection.CallAsync("SET", key, "v");
            await connection.CallAsync("GET", key);
        }
    }
}
