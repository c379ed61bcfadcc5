using System.Text.Json;
using Slotgate.Controller.Kubernetes;
using Slotgate.Controller.Reconcile;
using Slotgate.Controller.Tests.Reconcile;

namespace Slotgate.Controller.Tests.Kubernetes;

public sealed class StatusJsonTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 16, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Gateway_ProgrammedPlan_AddressesHostnameAndListenerKinds()
    {
        GatewayPlan plan = Assert.Single(new Reconciler().Reconcile(Scenario.Snapshot()).Gateways);

        var status = StatusJson.Gateway(plan.Status, default, Now)["status"]!;

        Assert.Equal("Hostname", (string?)status["addresses"]![0]!["type"]);
        Assert.Equal("redis-waypoint.default.svc.cluster.local", (string?)status["addresses"]![0]!["value"]);
        Assert.Equal("TCPRoute", (string?)status["listeners"]![0]!["supportedKinds"]![0]!["kind"]);
        Assert.Equal(1, (int)status["listeners"]![0]!["attachedRoutes"]!);
        Assert.Equal("2026-12-01T16:00:00Z", (string?)status["conditions"]![0]!["lastTransitionTime"]);
    }

    [Fact]
    public void Gateway_ConditionStatusUnchanged_KeepsTransitionTime()
    {
        GatewayPlan plan = Assert.Single(new Reconciler().Reconcile(Scenario.Snapshot()).Gateways);
        JsonElement existing = JsonDocument.Parse("""
            {"status":{"conditions":[{"type":"Accepted","status":"True","lastTransitionTime":"2026-11-30T10:00:00Z"},
                                     {"type":"Programmed","status":"False","lastTransitionTime":"2026-11-30T10:00:00Z"}]}}
            """).RootElement;

        var conditions = StatusJson.Gateway(plan.Status, existing, Now)["status"]!["conditions"]!.AsArray();

        Assert.Equal("2026-11-30T10:00:00Z", (string?)conditions.Single(c => (string?)c!["type"] == "Accepted")!["lastTransitionTime"]);
        Assert.Equal("2026-12-01T16:00:00Z", (string?)conditions.Single(c => (string?)c!["type"] == "Programmed")!["lastTransitionTime"]);
    }

    [Fact]
    public void Route_OtherControllersParents_Kept()
    {
        var parents = new Reconciler().Reconcile(Scenario.Snapshot()).RouteParents;
        JsonElement existing = JsonDocument.Parse("""
            {"status":{"parents":[
              {"parentRef":{"name":"mesh"},"controllerName":"istio.io/gateway-controller","conditions":[]},
              {"parentRef":{"name":"redis-waypoint"},"controllerName":"slotgate.io/gateway-controller","conditions":[]}]}}
            """).RootElement;

        var result = StatusJson.Route(parents, existing, GatewayApi.ControllerName, Now)["status"]!["parents"]!.AsArray();

        Assert.Equal(2, result.Count);
        Assert.Equal("istio.io/gateway-controller", (string?)result[0]!["controllerName"]);
        Assert.Equal("redis-waypoint", (string?)result[1]!["parentRef"]!["name"]);
        Assert.Equal("default", (string?)result[1]!["parentRef"]!["namespace"]);
        Assert.Equal(2, result[1]!["conditions"]!.AsArray().Count);
    }
}
