using System.Text.Json;
using System.Text.RegularExpressions;

namespace Slotgate.Tests.Hosting.Admin;

[Collection(ProxyCollection.Name)]
public class GrafanaDashboardTests(ProxyFixture fixture)
{
    [Fact]
    public async Task GrafanaDashboard_EveryQueriedMetric_IsExportedBySlotgate()
    {
        using JsonDocument dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(RepositoryFiles.InRoot("deploy", "grafana", "slotgate.json")));
        var queried = new HashSet<string>();
        foreach (JsonElement panel in dashboard.RootElement.GetProperty("panels").EnumerateArray())
        {
            foreach (JsonElement target in panel.GetProperty("targets").EnumerateArray())
            {
                foreach (Match match in Regex.Matches(target.GetProperty("expr").GetString()!, @"slotgate_[a-z_]+"))
                {
                    queried.Add(Regex.Replace(match.Value, "_(bucket|sum|count)$", string.Empty));
                }
            }
        }
        Assert.True(queried.Count >= 15, $"only {queried.Count} metrics queried");

        await using SlotgateServer server = await ProxyFixture.StartProxyAsync(fixture.Cluster);
        using HttpClient http = AdminClient.For(server.AdminEndpoint!);
        string scrape = await http.GetStringAsync("metrics");
        Assert.All(queried, name => Assert.Contains($"# TYPE {name} ", scrape, StringComparison.Ordinal));
    }
}
