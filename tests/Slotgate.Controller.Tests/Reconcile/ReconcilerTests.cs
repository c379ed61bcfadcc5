using Slotgate.Tests.Kubernetes;
using Slotgate.Tests.Support;
using Slotgate.Controller.Model;
using Slotgate.Controller.Reconcile;

namespace Slotgate.Controller.Tests.Reconcile;

public sealed class ReconcilerTests
{
    private static readonly Reconciler Reconciler = new();

    [Fact]
    public void Reconcile_CommonScenario_DesiredObjectsAreAWaypoint()
    {
        GatewayPlan plan = Assert.Single(Reconciler.Reconcile(Scenario.Snapshot()).Gateways);

        Assert.Equal(["redis.external-redis.svc.cluster.local:7000"], plan.Seeds);
        foreach (var metadata in new[] { plan.ServiceAccount.Metadata, plan.ConfigMap.Metadata, plan.Deployment.Metadata, plan.Service.Metadata })
        {
            Assert.Equal("redis-waypoint", metadata.Name);
            Assert.Equal("default", metadata.NamespaceProperty);
            var owner = Assert.Single(metadata.OwnerReferences);
            Assert.Equal(("Gateway", "redis-waypoint", "7d1c6a0e-1111-4c3b-9d5e-000000000001", true),
                (owner.Kind, owner.Name, owner.Uid, owner.Controller ?? false));
        }
        var labels = plan.Deployment.Spec.Template.Metadata.Labels;
        Assert.Equal("ambient", labels["istio.io/dataplane-mode"]);
        Assert.Equal("redis-waypoint", labels["gateway.networking.k8s.io/gateway-name"]);
        Assert.All(plan.Service.Spec.Selector, s => Assert.Equal(s.Value, labels[s.Key]));
        Assert.Equal([7000, 9090, 15008], plan.Service.Spec.Ports.Select(p => p.Port).Order());
        Assert.Equal(2, plan.Deployment.Spec.Replicas);
        Assert.Contains("redis.external-redis.svc.cluster.local:7000", plan.ConfigMap.Data["slotgate.yaml"], StringComparison.Ordinal);
    }

    [Fact]
    public void Reconcile_CommonScenario_ConfigAndDeploymentAgree()
    {
        GatewayPlan plan = Assert.Single(Reconciler.Reconcile(Scenario.Snapshot()).Gateways);
        var config = Yaml.LoadMapping(plan.ConfigMap.Data["slotgate.yaml"]);
        var pod = plan.Deployment.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);

        Assert.Equal(["0.0.0.0:7000"], config.Items("listen").Select(l => l.ToString()));
        Assert.Equal("0.0.0.0:9090", config.Text("admin.listen"));
        Assert.Equal([7000, 9090], container.Ports.Select(p => p.ContainerPort).Order());
        Assert.Equal("/healthz", container.LivenessProbe.HttpGet.Path);
        Assert.Equal("/readyz", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal(["--config", "/etc/slotgate/slotgate.yaml"], container.Args);
        Assert.Equal("/etc/slotgate", Assert.Single(container.VolumeMounts).MountPath);
        Assert.Equal(plan.ConfigMap.Metadata.Name, Assert.Single(pod.Volumes).ConfigMap.Name);
        Assert.Equal(plan.ServiceAccount.Metadata.Name, pod.ServiceAccountName);
        Assert.Null(container.Lifecycle);
        Assert.Equal("5s", container.Env.Single(e => e.Name == "SLOTGATE_SHUTDOWN__DRAINDELAY").Value);
        Assert.True(pod.TerminationGracePeriodSeconds >= 5 + 10 + 10);
        Assert.Equal(("RollingUpdate", "0"), (plan.Deployment.Spec.Strategy.Type, plan.Deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value));
    }

    [Fact]
    public void Reconcile_PodReady_PublishesServiceHostnameAndProgrammed()
    {
        ReconcilePlan result = Reconciler.Reconcile(Scenario.Snapshot(readyReplicas: 1));
        GatewayStatusResult status = Assert.Single(result.Gateways).Status;

        Assert.Equal(["redis-waypoint.default.svc.cluster.local"], status.Hostnames);
        Assert.True(Scenario.ConditionOf(status.Conditions, "Accepted").Status);
        Assert.True(Scenario.ConditionOf(status.Conditions, "Programmed").Status);
        Assert.All(status.Conditions, c => Assert.Equal(3, c.ObservedGeneration));
        var listener = Assert.Single(status.Listeners);
        Assert.Equal(("redis", 1), (listener.Name, listener.AttachedRoutes));
        Assert.All(listener.Conditions.Where(c => c.Type != "Conflicted"), c => Assert.True(c.Status, c.Type));
        Assert.Equal((false, "NoConflicts"), (Scenario.ConditionOf(listener.Conditions, "Conflicted").Status, Scenario.ConditionOf(listener.Conditions, "Conflicted").Reason));
        Assert.True(Assert.Single(result.Classes).Accepted.Status);
        var route = Assert.Single(result.RouteParents);
        Assert.All(route.Conditions, c => Assert.True(c.Status, c.Message));
    }

    [Fact]
    public void Reconcile_NoPodReady_NoAddressAndProgrammedPending()
    {
        GatewayStatusResult status = Assert.Single(Reconciler.Reconcile(Scenario.Snapshot(readyReplicas: 0)).Gateways).Status;

        Assert.Empty(status.Hostnames);
        Condition programmed = Scenario.ConditionOf(status.Conditions, "Programmed");
        Assert.False(programmed.Status);
        Assert.Equal("Pending", programmed.Reason);
        Assert.True(Scenario.ConditionOf(status.Conditions, "Accepted").Status);
    }

    [Fact]
    public void Reconcile_ClassOfAnotherController_LeavesEverythingAlone()
    {
        var snapshot = Scenario.Snapshot() with { Classes = [Scenario.Class(controller: "gateway.envoyproxy.io/gatewayclass-controller")] };

        ReconcilePlan result = Reconciler.Reconcile(snapshot);

        Assert.Empty(result.Classes);
        Assert.Empty(result.Gateways);
        Assert.Empty(result.RouteParents);
    }

    [Fact]
    public void Reconcile_GatewayOfUnknownClass_NotReconciled()
    {
        var snapshot = Scenario.Snapshot() with { Gateways = [Scenario.Gateway() with { ClassName = "istio-waypoint" }] };

        ReconcilePlan result = Reconciler.Reconcile(snapshot);

        Assert.Single(result.Classes);
        Assert.Empty(result.Gateways);
    }

    [Fact]
    public void Reconcile_CrossNamespaceBackendWithoutGrant_RefNotPermittedAndNoPods()
    {
        var snapshot = Scenario.Snapshot() with { ReferenceGrants = [] };

        ReconcilePlan result = Reconciler.Reconcile(snapshot);
        var route = Assert.Single(result.RouteParents);
        GatewayPlan plan = Assert.Single(result.Gateways);

        Condition resolved = Scenario.ConditionOf(route.Conditions, "ResolvedRefs");
        Assert.Equal((false, "RefNotPermitted"), (resolved.Status, resolved.Reason));
        Assert.True(Scenario.ConditionOf(route.Conditions, "Accepted").Status);
        Assert.Empty(plan.Seeds);
        Assert.Equal(0, plan.Deployment.Spec.Replicas);
        Assert.False(Scenario.ConditionOf(plan.Status.Conditions, "Programmed").Status);
        Assert.Empty(plan.Status.Hostnames);
    }

    [Fact]
    public void Reconcile_GrantForAnotherNamespace_StillRefNotPermitted()
    {
        var snapshot = Scenario.Snapshot() with { ReferenceGrants = [Scenario.GrantFrom("team-a")] };

        var route = Assert.Single(Reconciler.Reconcile(snapshot).RouteParents);

        Assert.Equal("RefNotPermitted", Scenario.ConditionOf(route.Conditions, "ResolvedRefs").Reason);
    }

    [Fact]
    public void Reconcile_RouteFromOtherNamespaceWithGrant_AttachesAndSeeds()
    {
        var snapshot = Scenario.Snapshot() with
        {
            Routes = [Scenario.Route(ns: "team-a", name: "cache")],
            ReferenceGrants = [Scenario.GrantFrom("team-a")],
        };

        ReconcilePlan result = Reconciler.Reconcile(snapshot);

        var route = Assert.Single(result.RouteParents);
        Assert.Equal(new ObjectKey("team-a", "cache"), route.Route);
        Assert.All(route.Conditions, c => Assert.True(c.Status, c.Message));
        Assert.Equal(["redis.external-redis.svc.cluster.local:7000"], Assert.Single(result.Gateways).Seeds);
    }

    [Fact]
    public void Reconcile_RouteFromOtherNamespaceListenerSameOnly_NotAllowedByListeners()
    {
        var snapshot = Scenario.Snapshot() with
        {
            Gateways = [Scenario.Gateway(Scenario.Listener(from: "Same"))],
            Routes = [Scenario.Route(ns: "team-a", name: "cache")],
            ReferenceGrants = [Scenario.GrantFrom("team-a")],
        };

        ReconcilePlan result = Reconciler.Reconcile(snapshot);

        var route = Assert.Single(result.RouteParents);
        Condition accepted = Scenario.ConditionOf(route.Conditions, "Accepted");
        Assert.Equal((false, "NotAllowedByListeners"), (accepted.Status, accepted.Reason));
        GatewayPlan plan = Assert.Single(result.Gateways);
        Assert.Empty(plan.Seeds);
        Assert.Equal(0, Assert.Single(plan.Status.Listeners).AttachedRoutes);
    }

    [Fact]
    public void Reconcile_ListenerSelectorMatchingNamespaceLabels_Attaches()
    {
        var selector = new Dictionary<string, string> { ["redis-clients"] = "true" };
        var snapshot = Scenario.Snapshot() with
        {
            Gateways = [Scenario.Gateway(Scenario.Listener(from: "Selector", selector: selector))],
            Routes = [Scenario.Route(ns: "team-a", name: "cache"), Scenario.Route(ns: "team-b", name: "cache")],
            ReferenceGrants = [Scenario.GrantFrom("team-a"), Scenario.GrantFrom("team-b")],
            NamespaceLabels = new Dictionary<string, IReadOnlyDictionary<string, string>>
            {
                ["team-a"] = selector,
                ["team-b"] = new Dictionary<string, string>(),
            },
        };

        var parents = Reconciler.Reconcile(snapshot).RouteParents;

        Assert.True(Scenario.ConditionOf(parents.Single(p => p.Route.Namespace == "team-a").Conditions, "Accepted").Status);
        Assert.False(Scenario.ConditionOf(parents.Single(p => p.Route.Namespace == "team-b").Conditions, "Accepted").Status);
    }

    [Fact]
    public void Reconcile_MissingBackendService_BackendNotFound()
    {
        var snapshot = Scenario.Snapshot() with { Routes = [Scenario.Route(backendName: "redis-typo")] };

        ReconcilePlan result = Reconciler.Reconcile(snapshot);

        Condition resolved = Scenario.ConditionOf(Assert.Single(result.RouteParents).Conditions, "ResolvedRefs");
        Assert.Equal((false, "BackendNotFound"), (resolved.Status, resolved.Reason));
        Assert.Contains("external-redis/redis-typo", resolved.Message, StringComparison.Ordinal);
        Assert.Equal(0, Assert.Single(result.Gateways).Deployment.Spec.Replicas);
    }

    [Fact]
    public void Reconcile_BackendPortNotOnService_BackendNotFound()
    {
        var snapshot = Scenario.Snapshot() with { Routes = [Scenario.Route(port: 6379)] };

        Condition resolved = Scenario.ConditionOf(Assert.Single(Reconciler.Reconcile(snapshot).RouteParents).Conditions, "ResolvedRefs");

        Assert.Equal("BackendNotFound", resolved.Reason);
        Assert.Contains("no port 6379", resolved.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reconcile_BackendIsTheFrontServiceBehindThisWaypoint_RefusedAsLoop()
    {
        // As in the Envoy Gateway setup, whose TCPRoute names default/redis (its patch then replaced the upstream).
        var snapshot = Scenario.Snapshot() with { Routes = [Scenario.Route(backendNamespace: null)] };

        ReconcilePlan result = Reconciler.Reconcile(snapshot);

        Condition resolved = Scenario.ConditionOf(Assert.Single(result.RouteParents).Conditions, "ResolvedRefs");
        Assert.False(resolved.Status);
        Assert.Contains("behind waypoint", resolved.Message, StringComparison.Ordinal);
        Assert.Empty(Assert.Single(result.Gateways).Seeds);
    }

    [Fact]
    public void Reconcile_BackendNotAService_InvalidKind()
    {
        var route = Scenario.Route() with { BackendRefs = [new BackendRefInput("example.com", "RedisCluster", "external-redis", "redis", 7000)] };

        var parent = Assert.Single(Reconciler.Reconcile(Scenario.Snapshot() with { Routes = [route] }).RouteParents);

        Assert.Equal("InvalidKind", Scenario.ConditionOf(parent.Conditions, "ResolvedRefs").Reason);
    }

    [Fact]
    public void Reconcile_ParentRefToUnknownSection_NoMatchingParent()
    {
        var parent = new ParentRefInput(null, null, null, "redis-waypoint", "memcached", null);
        var snapshot = Scenario.Snapshot() with { Routes = [Scenario.Route(parent: parent)] };

        Condition accepted = Scenario.ConditionOf(Assert.Single(Reconciler.Reconcile(snapshot).RouteParents).Conditions, "Accepted");

        Assert.Equal((false, "NoMatchingParent"), (accepted.Status, accepted.Reason));
    }

    [Fact]
    public void Reconcile_RouteToAnotherGateway_NoParentStatusWritten()
    {
        var parent = new ParentRefInput(null, null, null, "some-other-gateway", null, null);
        var snapshot = Scenario.Snapshot() with { Routes = [Scenario.Route(parent: parent)] };

        ReconcilePlan result = Reconciler.Reconcile(snapshot);

        Assert.Empty(result.RouteParents);
        Assert.Equal("Pending", Scenario.ConditionOf(Assert.Single(result.Gateways).Status.Conditions, "Programmed").Reason);
    }

    [Fact]
    public void Reconcile_HttpListenerBesideTcp_TcpServedHttpUnsupported()
    {
        var snapshot = Scenario.Snapshot() with { Gateways = [Scenario.Gateway(Scenario.Listener(), Scenario.Listener("web", 8080, "HTTP"))] };

        GatewayPlan plan = Assert.Single(Reconciler.Reconcile(snapshot).Gateways);

        Assert.Equal([7000, 9090, 15008], plan.Service.Spec.Ports.Select(p => p.Port).Order());
        var web = plan.Status.Listeners.Single(l => l.Name == "web");
        Assert.Equal("UnsupportedProtocol", Scenario.ConditionOf(web.Conditions, "Accepted").Reason);
        Assert.Equal("ListenersNotValid", Scenario.ConditionOf(plan.Status.Conditions, "Accepted").Reason);
        Assert.True(Scenario.ConditionOf(plan.Status.Conditions, "Accepted").Status);
    }

    [Fact]
    public void Reconcile_OnlyHttpListeners_GatewayNotAccepted()
    {
        var snapshot = Scenario.Snapshot() with { Gateways = [Scenario.Gateway(Scenario.Listener("web", 8080, "HTTP"))] };

        GatewayPlan plan = Assert.Single(Reconciler.Reconcile(snapshot).Gateways);

        Condition accepted = Scenario.ConditionOf(plan.Status.Conditions, "Accepted");
        Assert.Equal((false, "ListenersNotValid"), (accepted.Status, accepted.Reason));
        Assert.Equal(0, plan.Deployment.Spec.Replicas);
    }

    [Fact]
    public void Reconcile_TwoRoutesSameBackend_OneSeedTwoAttachedRoutes()
    {
        var snapshot = Scenario.Snapshot() with { Routes = [Scenario.Route(name: "a"), Scenario.Route(name: "b")] };

        GatewayPlan plan = Assert.Single(Reconciler.Reconcile(snapshot).Gateways);

        Assert.Single(plan.Seeds);
        Assert.Equal(2, Assert.Single(plan.Status.Listeners).AttachedRoutes);
    }

    [Fact]
    public void Reconcile_SeedsChange_PodTemplateHashChanges()
    {
        var other = Scenario.Snapshot() with
        {
            Routes = [Scenario.Route(backendName: "redis-2")],
            Services = [.. Scenario.Snapshot().Services, new ServiceInput(new ObjectKey("external-redis", "redis-2"), [7000])],
        };

        string first = Assert.Single(Reconciler.Reconcile(Scenario.Snapshot()).Gateways).Deployment.Spec.Template.Metadata.Annotations["slotgate.io/config-hash"];
        string second = Assert.Single(Reconciler.Reconcile(other).Gateways).Deployment.Spec.Template.Metadata.Annotations["slotgate.io/config-hash"];

        Assert.NotEqual(first, second);
    }
}
