using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Slotgate.Controller.Tests.Controller;

/// <summary>TCPRoute parent status toward Slotgate's Gateways: reasons, ReferenceGrants, detach and Gateway deletion.</summary>
public sealed class RouteStatusTests(ITestOutputHelper output) : ControllerTest(output)
{
    private JsonObject? OurParent(string route, string ns) =>
        RouteObject(route, ns)["status"]?["parents"]?.AsArray()
            .FirstOrDefault(p => (string?)p!["controllerName"] == "slotgate.io/gateway-controller")?.AsObject();

    [Fact]
    public async Task Route_OtherNamespaceBackendWithoutGrant_RefNotPermittedUntilGrantCreated()
    {
        StartController();
        Server.CreateNamespace("external-redis");
        Server.Create(Service("external-redis", "redis", 7000));
        Server.CreateNamespace("team-a");
        Server.Create(Gateway("default", "redis-waypoint"));
        Server.Create(Route("team-a", "cache", "redis-waypoint"));

        await EventuallyAsync(() => Summary(ConditionOf(OurParent("cache", "team-a"), "ResolvedRefs")).Reason == "RefNotPermitted",
            "ResolvedRefs False RefNotPermitted");
        var resolved = Summary(ConditionOf(OurParent("cache", "team-a"), "ResolvedRefs"));
        Assert.Equal("False", resolved.Status);
        Assert.Contains("no ReferenceGrant in external-redis", resolved.Message, StringComparison.Ordinal);
        Assert.Equal("True", Summary(ConditionOf(OurParent("cache", "team-a"), "Accepted")).Status);
        Assert.Equal(0, Number(Server.Get("apps/v1", "Deployment", "default", "redis-waypoint")["spec"]!["replicas"]));

        Server.Create(Grant("external-redis", "team-a"));

        await EventuallyAsync(() => Summary(ConditionOf(OurParent("cache", "team-a"), "ResolvedRefs")).Status == "True", "ResolvedRefs True once granted");
        await EventuallyAsync(() => Number(Server.Get("apps/v1", "Deployment", "default", "redis-waypoint")["spec"]!["replicas"]) == 2, "pods to run");
        Assert.Contains("redis.external-redis.svc.cluster.local:7000",
            (string)Server.Get("v1", "ConfigMap", "default", "redis-waypoint")["data"]!["slotgate.yaml"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Route_NamespaceNotAllowedOrBackendMissing_NotAllowedByListenersAndBackendNotFound()
    {
        StartController();
        Server.CreateNamespace("team-b");
        JsonObject gateway = Gateway("default", "redis-waypoint");
        gateway["spec"]!["listeners"]![0]!["allowedRoutes"] = new JsonObject { ["namespaces"] = new JsonObject { ["from"] = "Same" } };
        Server.Create(gateway);
        Server.Create(Route("team-b", "cache", "redis-waypoint"));
        Server.Create(Route("default", "typo", "redis-waypoint", backendNamespace: "default", backend: "redis-typo"));

        await EventuallyAsync(() => Summary(ConditionOf(OurParent("cache", "team-b"), "Accepted")).Reason == "NotAllowedByListeners",
            "Accepted False NotAllowedByListeners");
        await EventuallyAsync(() => Summary(ConditionOf(OurParent("typo", "default"), "ResolvedRefs")).Reason == "BackendNotFound",
            "ResolvedRefs False BackendNotFound");
        Assert.Contains("default/redis-typo not found", Summary(ConditionOf(OurParent("typo", "default"), "ResolvedRefs")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Route_Detached_StaleParentEntryRemovedOtherControllersKept()
    {
        StartController();
        CreateScenario();
        await EventuallyAsync(() => OurParent("redis", "default") is not null, "the route's parent entry");
        // Another implementation's entry on the same route (e.g. Istio for a mesh Gateway) must survive.
        Server.Modify(Gw + "/v1alpha2", "TCPRoute", "default", "redis", r => r["status"]!["parents"]!.AsArray().Add(new JsonObject
        {
            ["parentRef"] = new JsonObject { ["name"] = "mesh", ["namespace"] = "istio-system" },
            ["controllerName"] = "istio.io/gateway-controller",
            ["conditions"] = new JsonArray(new JsonObject
            {
                ["type"] = "Accepted",
                ["status"] = "True",
                ["reason"] = "Accepted",
                ["message"] = "",
                ["lastTransitionTime"] = "2026-12-06T00:00:00Z",
                ["observedGeneration"] = 1,
            }),
        }));

        Server.Modify(Gw + "/v1alpha2", "TCPRoute", "default", "redis", r => r["spec"]!["parentRefs"]![0]!["name"] = "mesh");

        await EventuallyAsync(() => OurParent("redis", "default") is null, "Slotgate's stale parent entry removed");
        JsonNode parent = Assert.Single(RouteObject()["status"]!["parents"]!.AsArray())!;
        Assert.Equal("istio.io/gateway-controller", (string?)parent["controllerName"]);
        await EventuallyAsync(() => Number(GatewayObject()["status"]!["listeners"]![0]!["attachedRoutes"]) == 0, "attachedRoutes 0");
    }

    [Fact]
    public async Task Gateway_Deleted_DependentsCollectedAndRouteParentCleaned()
    {
        StartController();
        CreateScenario();
        await EventuallyAsync(() => OurParent("redis", "default") is not null && Server.TryGet("apps/v1", "Deployment", "default", "redis-waypoint") is not null,
            "the Gateway's objects and route status");

        Server.Delete(Gw + "/v1", "Gateway", "default", "redis-waypoint");

        await EventuallyAsync(() => OurParent("redis", "default") is null, "the route's parent entry removed");
        foreach ((string apiVersion, string kind) in new[] { ("apps/v1", "Deployment"), ("v1", "Service"), ("v1", "ConfigMap"), ("v1", "ServiceAccount") })
        {
            Assert.Null(Server.TryGet(apiVersion, kind, "default", "redis-waypoint"));
        }
        Assert.Empty(Forbidden());
    }
}
