using Slotgate.Controller.Model;
using Slotgate.Controller.Reconcile;

namespace Slotgate.Controller.Tests.Reconcile;

/// <summary>Conditions per the Gateway API spec: Conflicted listeners, SupportedVersion, kept addresses, apply failures.</summary>
public sealed class ReconcilerStatusTests
{
    private static readonly Reconciler Reconciler = new();

    [Fact]
    public void Reconcile_TwoTcpListenersOnOnePort_BothHostnameConflictedAndGatewayNotAccepted()
    {
        var snapshot = Scenario.Snapshot() with
        {
            Gateways = [Scenario.Gateway(Scenario.Listener("a") with { Hostname = "a.example" }, Scenario.Listener("b") with { Hostname = "b.example" })],
        };

        GatewayPlan plan = Assert.Single(Reconciler.Reconcile(snapshot).Gateways);

        foreach (ListenerStatusResult listener in plan.Status.Listeners)
        {
            Assert.Equal((true, "HostnameConflict"), (Scenario.ConditionOf(listener.Conditions, "Conflicted").Status, Scenario.ConditionOf(listener.Conditions, "Conflicted").Reason));
            Assert.False(Scenario.ConditionOf(listener.Conditions, "Accepted").Status);
        }
        Condition accepted = Scenario.ConditionOf(plan.Status.Conditions, "Accepted");
        Assert.Equal((false, "ListenersNotValid"), (accepted.Status, accepted.Reason));
        Assert.Equal(0, plan.Deployment.Spec.Replicas);
        Assert.Equal("NoMatchingParent", Scenario.ConditionOf(Assert.Single(plan.RouteParents).Conditions, "Accepted").Reason);
    }

    [Fact]
    public void Reconcile_TcpAndHttpOnOnePortBesideADistinctListener_ProtocolConflictAndPartialAccept()
    {
        var snapshot = Scenario.Snapshot() with
        {
            Gateways = [Scenario.Gateway(Scenario.Listener("redis"), Scenario.Listener("tcp-shared", 7001), Scenario.Listener("web", 7001, "HTTP"))],
        };

        GatewayPlan plan = Assert.Single(Reconciler.Reconcile(snapshot).Gateways);

        Assert.Equal("ProtocolConflict", Scenario.ConditionOf(plan.Status.Listeners.Single(l => l.Name == "tcp-shared").Conditions, "Conflicted").Reason);
        Assert.Equal("ProtocolConflict", Scenario.ConditionOf(plan.Status.Listeners.Single(l => l.Name == "web").Conditions, "Conflicted").Reason);
        Assert.False(Scenario.ConditionOf(plan.Status.Listeners.Single(l => l.Name == "redis").Conditions, "Conflicted").Status);
        Condition accepted = Scenario.ConditionOf(plan.Status.Conditions, "Accepted");
        Assert.Equal((true, "ListenersNotValid"), (accepted.Status, accepted.Reason));
        Assert.Contains("tcp-shared (ProtocolConflict)", accepted.Message, StringComparison.Ordinal);
        Assert.Equal([7000, 9090, 15008], plan.Service.Spec.Ports.Select(p => p.Port).Order());
    }

    [Fact]
    public void Reconcile_NoReadyPodAfterAddressPublished_AddressKept()
    {
        var snapshot = Scenario.Snapshot(readyReplicas: 0) with
        {
            Gateways = [Scenario.Gateway() with { PublishedAddresses = ["redis-waypoint.default.svc.cluster.local"] }],
        };

        GatewayStatusResult status = Assert.Single(Reconciler.Reconcile(snapshot).Gateways).Status;

        Assert.Equal(["redis-waypoint.default.svc.cluster.local"], status.Hostnames);
        Assert.Equal((false, "Pending"), (Scenario.ConditionOf(status.Conditions, "Programmed").Status, Scenario.ConditionOf(status.Conditions, "Programmed").Reason));
    }

    [Theory]
    [InlineData(null, true, true)]
    [InlineData("v1.4.1", true, true)]
    [InlineData("v1.5.0", false, true)]
    [InlineData("v1.2.0", false, false)]
    public void ReconcileClass_BundleVersion_SupportedVersionAndAccepted(string? version, bool supported, bool accepted)
    {
        var snapshot = Scenario.Snapshot() with { GatewayApiBundleVersion = version };

        GatewayClassResult result = Assert.Single(Reconciler.Reconcile(snapshot).Classes);

        Assert.Equal(supported, result.SupportedVersion!.Status);
        Assert.Equal(supported ? "SupportedVersion" : "UnsupportedVersion", result.SupportedVersion.Reason);
        Assert.Equal(accepted, result.Accepted.Status);
        Assert.All(result.Conditions, c => Assert.Equal(1, c.ObservedGeneration));
    }

    [Fact]
    public void ApplyFailed_ServerMessage_ProgrammedFalseInvalidWithIt()
    {
        GatewayPlan plan = Assert.Single(Reconciler.Reconcile(Scenario.Snapshot()).Gateways);

        GatewayStatusResult status = Reconciler.ApplyFailed(plan, 3, "applying Deployment default/redis-waypoint failed: 422 Invalid: spec.template: bad");

        Condition programmed = Scenario.ConditionOf(status.Conditions, "Programmed");
        Assert.Equal((false, "Invalid"), (programmed.Status, programmed.Reason));
        Assert.Contains("422 Invalid: spec.template: bad", programmed.Message, StringComparison.Ordinal);
        Assert.All(status.Listeners, l => Assert.False(Scenario.ConditionOf(l.Conditions, "Programmed").Status));
        Assert.True(Scenario.ConditionOf(status.Conditions, "Accepted").Status);
    }

    [Fact]
    public void ReconcileGateway_GatewayGone_Null()
    {
        Assert.Null(Reconciler.ReconcileGateway(new ObjectKey("default", "gone"), Scenario.Snapshot()));
        Assert.NotNull(Reconciler.ReconcileGateway(Scenario.GatewayKey, Scenario.Snapshot()));
    }

    [Fact]
    public void Reconcile_RouteParentConditions_CarryTheRoutesGeneration()
    {
        var parent = Assert.Single(Reconciler.Reconcile(Scenario.Snapshot()).RouteParents);

        Assert.All(parent.Conditions, c => Assert.Equal(2, c.ObservedGeneration));
    }
}
