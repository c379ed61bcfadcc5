using Slotgate.Controller.Model;
using Slotgate.Controller.Reconcile;

namespace Slotgate.Controller.Tests.Reconcile;

public sealed class ParametersResolverTests
{
    [Fact]
    public void Reconcile_ParametersConfigMap_ImageReplicasAndSettingsApplied()
    {
        var snapshot = Scenario.WithParameters(new()
        {
            ["image"] = "registry.example/slotgate:0.1",
            ["replicas"] = "3",
            ["settings.logging.logLevel"] = "Debug",
            ["settings.routing.readFrom"] = "prefer-replica",
        });

        ReconcilePlan result = new Reconciler().Reconcile(snapshot);
        var container = Assert.Single(Assert.Single(result.Gateways).Deployment.Spec.Template.Spec.Containers);

        Assert.True(Assert.Single(result.Classes).Accepted.Status);
        Assert.Equal("registry.example/slotgate:0.1", container.Image);
        Assert.Equal(3, Assert.Single(result.Gateways).Deployment.Spec.Replicas);
        Assert.Equal(
            [("SLOTGATE_SHUTDOWN__DRAINDELAY", "5s"), ("SLOTGATE_LOGGING__LOGLEVEL", "Debug"), ("SLOTGATE_ROUTING__READFROM", "prefer-replica")],
            container.Env.Select(e => (e.Name, e.Value)));
    }

    [Fact]
    public void Reconcile_ParametersConfigMapMissing_ClassAndGatewayNotAccepted()
    {
        var snapshot = Scenario.Snapshot() with { Classes = [Scenario.Class(Scenario.ParametersRef)] };

        ReconcilePlan result = new Reconciler().Reconcile(snapshot);

        Condition accepted = Assert.Single(result.Classes).Accepted;
        Assert.Equal((false, "InvalidParameters"), (accepted.Status, accepted.Reason));
        GatewayPlan plan = Assert.Single(result.Gateways);
        Assert.False(plan.Status.Conditions.Single(c => c.Type == "Accepted").Status);
        Assert.True(plan.KeepObjects);
    }

    [Fact]
    public void Resolve_BadReplicasAndUnknownKey_BothReported()
    {
        var snapshot = Scenario.WithParameters(new() { ["replicas"] = "many", ["imag"] = "x" });

        (SlotgateParameters? parameters, string? error) = ParametersResolver.Resolve(snapshot.Classes[0], snapshot);

        Assert.Null(parameters);
        Assert.Contains("replicas", error, StringComparison.Ordinal);
        Assert.Contains("imag: unknown key", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ParametersRefToOtherKind_Rejected()
    {
        var gatewayClass = Scenario.Class(new ParametersRefInput("gateway.envoyproxy.io", "EnvoyProxy", "waypoint", "envoy-gateway-system"));

        (SlotgateParameters? parameters, string? error) = ParametersResolver.Resolve(gatewayClass, Scenario.Snapshot());

        Assert.Null(parameters);
        Assert.Contains("EnvoyProxy", error, StringComparison.Ordinal);
    }
}
