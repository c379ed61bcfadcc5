using Slotgate.Controller.Kubernetes;
using Slotgate.Controller.Model;
using Slotgate.Controller.Reconcile;
using Slotgate.Tests.Kubernetes;
using YamlDotNet.RepresentationModel;

namespace Slotgate.Controller.Tests.Kubernetes;

/// <summary>deploy/kubernetes/controller and examples/controller-waypoint agree with the controller's code.</summary>
public sealed class ControllerManifestTests
{
    [Fact]
    public void GatewayClass_ControllerName_IsTheOneTheControllerClaims()
    {
        var gatewayClass = Kustomize.Render("controller").Single("GatewayClass", "slotgate");

        Assert.Equal(GatewayApi.ControllerName, gatewayClass.RequiredText("spec.controllerName"));
    }

    [Fact]
    public void ExampleScenario_ReconciledFromRenderedManifests_FullyAcceptedWithClusterSeed()
    {
        var objects = Kustomize.Render("controller")
            .Concat(Kustomize.Render("examples/controller-waypoint"))
            .Concat(Kustomize.Render("examples/redis-cluster")).ToList();
        YamlMappingNode parameters = objects.Single("ConfigMap", "slotgate-parameters");
        var snapshot = new ClusterSnapshot
        {
            Classes = objects.Where(o => o.Kind() == "GatewayClass").Select(o => GatewayApiJson.GatewayClass(YamlToJson.Convert(o))).ToList(),
            Gateways = objects.Where(o => o.Kind() == "Gateway").Select(o => GatewayApiJson.Gateway(YamlToJson.Convert(o))).ToList(),
            Routes = objects.Where(o => o.Kind() == "TCPRoute").Select(o => GatewayApiJson.TcpRoute(YamlToJson.Convert(o))).ToList(),
            ReferenceGrants = objects.Where(o => o.Kind() == "ReferenceGrant").Select(o => GatewayApiJson.ReferenceGrant(YamlToJson.Convert(o))).ToList(),
            Services = objects.Where(o => o.Kind() == "Service").Select(ServiceOf).ToList(),
            ParameterConfigMaps = new Dictionary<ObjectKey, IReadOnlyDictionary<string, string>>
            {
                [new ObjectKey("slotgate-system", "slotgate-parameters")] = parameters.StringMap("data"),
            },
            ReadyReplicas = new Dictionary<ObjectKey, int> { [new ObjectKey("default", "redis-waypoint")] = 2 },
        };

        ReconcilePlan plan = new Reconciler().Reconcile(snapshot);

        Assert.True(Assert.Single(plan.Classes).Accepted.Status, plan.Classes[0].Accepted.Message);
        GatewayPlan gateway = Assert.Single(plan.Gateways);
        Assert.Equal(["redis.external-redis.svc.cluster.local:7000"], gateway.Seeds);
        Assert.All(gateway.Status.Conditions, c => Assert.True(c.Status, c.Message));
        Assert.All(Assert.Single(plan.RouteParents).Conditions, c => Assert.True(c.Status, c.Message));
        Assert.Equal(["redis-waypoint.default.svc.cluster.local"], gateway.Status.Hostnames);
        // The front Service's label names the Gateway the controller publishes.
        var front = objects.Single(o => o.Kind() == "Service" && o.Name() == "redis" && o.Text("metadata.namespace") == "default");
        Assert.Equal(gateway.Gateway.Name, front.StringMap("metadata.labels")["istio.io/use-waypoint"]);
    }

    [Fact]
    public void ClusterRole_EveryCallOfTheLoop_GrantedAndNothingWild()
    {
        var role = Kustomize.Render("controller").Single("ClusterRole", "slotgate-controller");
        var granted = role.Items("rules").SelectMany(r =>
            from g in r.Items("apiGroups") from res in r.Items("resources") from v in r.Items("verbs")
            select (g.ToString(), res.ToString(), v.ToString())).ToHashSet();
        (string, string, string)[] needed =
        [
            ("gateway.networking.k8s.io", "gatewayclasses", "list"), ("gateway.networking.k8s.io", "gateways", "list"),
            ("gateway.networking.k8s.io", "tcproutes", "list"), ("gateway.networking.k8s.io", "referencegrants", "list"),
            ("gateway.networking.k8s.io", "gatewayclasses/status", "patch"), ("gateway.networking.k8s.io", "gateways/status", "patch"),
            ("gateway.networking.k8s.io", "tcproutes/status", "patch"),
            ("", "configmaps", "get"), ("", "services", "list"), ("", "namespaces", "list"), ("apps", "deployments", "list"),
            ("", "serviceaccounts", "create"), ("", "serviceaccounts", "patch"), ("", "configmaps", "create"), ("", "configmaps", "patch"),
            ("", "services", "create"), ("", "services", "patch"), ("apps", "deployments", "create"), ("apps", "deployments", "patch"),
        ];

        Assert.All(needed, n => Assert.Contains(n, granted));
        Assert.Equal(needed.Length, granted.Count);
        Assert.DoesNotContain(granted, g => g.Item1 == "*" || g.Item2 == "*" || g.Item3 == "*");
    }

    private static ServiceInput ServiceOf(YamlMappingNode service)
    {
        var labels = service.StringMap("metadata.labels");
        string ns = service.RequiredText("metadata.namespace");
        return new ServiceInput(
            new ObjectKey(ns, service.Name()),
            service.Items("spec.ports").Select(p => int.Parse(p.RequiredText("port"))).ToList(),
            labels.TryGetValue("istio.io/use-waypoint", out string? waypoint) ? new ObjectKey(ns, waypoint) : null);
    }
}
