using Xunit.Abstractions;

namespace Slotgate.Controller.Tests.Controller;

/// <summary>What the controller does when the API server fails, forgets history or drops its watches.</summary>
public sealed class ResilienceTests(ITestOutputHelper output) : ControllerTest(output)
{
    [Fact]
    public async Task ApplyFailsForOneGateway_OthersProgrammedAndItsConditionCarriesTheServersMessage()
    {
        using IDisposable fault = Server.FailRequests(
            r => r.Resource == "deployments" && r.Verb == "patch" && r.Name == "broken-waypoint", 422,
            "Deployment.apps \"broken-waypoint\" is invalid: spec.template.spec.containers[0].lifecycle.preStop.sleep: field not declared in schema");
        StartController();
        CreateScenario("broken-waypoint");
        CreateScenario("redis-waypoint");
        await EventuallyAsync(() => Server.TryGet("apps/v1", "Deployment", "default", "redis-waypoint") is not null, "the healthy Gateway's Deployment");

        SetReadyReplicas("redis-waypoint", 1);

        await GatewayConditionAsync("Programmed", "True", name: "redis-waypoint");
        await GatewayConditionAsync("Programmed", "False", "Invalid", name: "broken-waypoint");
        string? message = Summary(ConditionOf(GatewayObject("broken-waypoint")["status"], "Programmed")).Message;
        Assert.Contains("applying Deployment default/broken-waypoint failed", message, StringComparison.Ordinal);
        Assert.Contains("preStop.sleep: field not declared in schema", message, StringComparison.Ordinal);
        await EventuallyAsync(() => EventsAbout("Gateway", "broken-waypoint").Any(e => (string?)e["reason"] == "ApplyFailed"), "an ApplyFailed Event");
        // Retried with back-off, not in a tight loop; and only that Gateway's Deployment is retried.
        await Task.Delay(1000);
        int attempts = Server.Requests.Count(r => r.Resource == "deployments" && r.Name == "broken-waypoint");
        Assert.InRange(attempts, 2, 12);
        // The healthy Gateway was not dragged into the retries: applied once or twice (before and after its route
        // arrived), every time successfully.
        var healthy = Server.Requests.Where(r => r.Resource == "deployments" && r.Verb == "patch" && r.Name == "redis-waypoint").ToList();
        Assert.InRange(healthy.Count, 1, 2);
        Assert.All(healthy, r => Assert.InRange(r.Code, 200, 201));

        fault.Dispose();

        await EventuallyAsync(() => Server.TryGet("apps/v1", "Deployment", "default", "broken-waypoint") is not null, "applied once the server accepts it",
            TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Watch_HistoryCompactedAndStreamsDropped_RelistsAndStillSeesChanges()
    {
        StartController();
        CreateScenario();
        await EventuallyAsync(() => Server.TryGet("apps/v1", "Deployment", "default", "redis-waypoint") is not null, "Deployment applied");
        await Task.Delay(300);
        int lists = Server.Requests.Count(r => r.User == ControllerUser && r.Verb == "list");

        // History forgotten and every stream cut: a watch from an older resourceVersion now gets 410 Expired.
        Server.Compact();
        Server.DropWatches();
        SetReadyReplicas("redis-waypoint", 1);

        await GatewayConditionAsync("Programmed", "True");
        await EventuallyAsync(() => Server.Requests.Count(r => r.User == ControllerUser && r.Verb == "list") > lists,
            "caches listed again after 410 Expired");

        // And the re-opened watches deliver later changes too.
        SetReadyReplicas("redis-waypoint", 0);
        Server.DropWatches(abort: true);
        Server.Modify(Gw + "/v1", "Gateway", "default", "redis-waypoint", g => g["spec"]!["listeners"]!.AsArray().Add(new System.Text.Json.Nodes.JsonObject
        {
            ["name"] = "redis-2",
            ["port"] = 7001,
            ["protocol"] = "TCP",
            ["allowedRoutes"] = new System.Text.Json.Nodes.JsonObject { ["namespaces"] = new System.Text.Json.Nodes.JsonObject { ["from"] = "All" } },
        }));
        await EventuallyAsync(() => Server.Get("v1", "Service", "default", "redis-waypoint")["spec"]!["ports"]!.AsArray().Any(p => Number(p!["port"]) == 7001),
            "the Service follows the new listener");
        Assert.Empty(Forbidden());
    }

    [Fact]
    public async Task Resync_OwnedObjectDeletedOutOfBand_RecreatedBySafetyNet()
    {
        StartController(options: Options("slotgate-controller-0") with { ResyncPeriod = TimeSpan.FromSeconds(1) });
        CreateScenario();
        await EventuallyAsync(() => Server.TryGet("v1", "ConfigMap", "default", "redis-waypoint") is not null, "the Gateway's ConfigMap");

        // The Gateway's own ConfigMap is not watched (only applied): only the periodic resync notices it is gone.
        Server.Delete("v1", "ConfigMap", "default", "redis-waypoint");

        await EventuallyAsync(() => Server.TryGet("v1", "ConfigMap", "default", "redis-waypoint") is not null, "the ConfigMap applied again by the resync",
            TimeSpan.FromSeconds(4));
    }
}
