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
    public void RouteParents_OtherControllersAndOtherGateways_Kept()
    {
        var parents = new Reconciler().Reconcile(Scenario.Snapshot()).RouteParents;
        JsonElement existing = JsonDocument.Parse("""
            {"metadata":{"namespace":"default","name":"redis"},"status":{"parents":[
              {"parentRef":{"name":"mesh"},"controllerName":"istio.io/gateway-controller","conditions":[]},
              {"parentRef":{"name":"other-waypoint"},"controllerName":"slotgate.io/gateway-controller","conditions":[]},
              {"parentRef":{"name":"redis-waypoint"},"controllerName":"slotgate.io/gateway-controller","conditions":[]}]}}
            """).RootElement;

        var result = StatusJson.RouteParents(existing, Scenario.GatewayKey, parents, GatewayApi.ControllerName, Now);

        Assert.Equal(3, result.Count);
        Assert.Equal("istio.io/gateway-controller", (string?)result[0]!["controllerName"]);
        Assert.Equal("other-waypoint", (string?)result[1]!["parentRef"]!["name"]);
        Assert.Equal("redis-waypoint", (string?)result[2]!["parentRef"]!["name"]);
        Assert.Equal("default", (string?)result[2]!["parentRef"]!["namespace"]);
        Assert.Equal(2, result[2]!["conditions"]!.AsArray().Count);
    }

    [Fact]
    public void RouteParents_RouteDetached_OnlyThisGatewaysEntryRemoved()
    {
        JsonElement existing = JsonDocument.Parse("""
            {"metadata":{"namespace":"default","name":"redis"},"status":{"parents":[
              {"parentRef":{"name":"mesh"},"controllerName":"istio.io/gateway-controller","conditions":[]},
              {"parentRef":{"name":"redis-waypoint","namespace":"default"},"controllerName":"slotgate.io/gateway-controller","conditions":[]}]}}
            """).RootElement;

        var result = StatusJson.RouteParents(existing, Scenario.GatewayKey, [], GatewayApi.ControllerName, Now);

        Assert.Equal("mesh", (string?)Assert.Single(result)!["parentRef"]!["name"]);
        Assert.True(StatusJson.HasParent(existing, Scenario.GatewayKey, GatewayApi.ControllerName));
    }

    [Fact]
    public void IsCurrent_StatusWrittenThenReadBack_NothingToWrite()
    {
        GatewayPlan plan = Assert.Single(new Reconciler().Reconcile(Scenario.Snapshot()).Gateways);
        var first = StatusJson.Gateway(plan.Status, default, Now);
        JsonElement stored = JsonDocument.Parse($$"""{"metadata":{"name":"redis-waypoint"},"status":{{first["status"]!.ToJsonString()}}}""").RootElement;

        var second = StatusJson.Gateway(plan.Status, stored, Now.AddMinutes(5));

        Assert.True(StatusJson.IsCurrent(stored, second));
        Assert.False(StatusJson.IsCurrent(default, second));
    }

    [Fact]
    public void Gateway_NothingEverPublished_AddressesRemovedNotEmptied()
    {
        GatewayPlan plan = Assert.Single(new Reconciler().Reconcile(Scenario.Snapshot(readyReplicas: 0)).Gateways);

        var status = StatusJson.Gateway(plan.Status, default, Now)["status"]!.AsObject();

        Assert.True(status.ContainsKey("addresses"));
        Assert.Null(status["addresses"]);
    }
}
