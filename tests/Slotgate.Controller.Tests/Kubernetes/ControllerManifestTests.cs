using Slotgate.Controller.Kubernetes;
using Slotgate.Controller.Model;
using Slotgate.Controller.Reconcile;
using Slotgate.Tests.Kubernetes;
using Slotgate.Tests.Support;
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
            Classes = objects.Where(o => o.Kind() == "GatewayClass").Select(o => GatewayApiJson.GatewayClass(Json(o))).ToList(),
            Gateways = objects.Where(o => o.Kind() == "Gateway").Select(o => GatewayApiJson.Gateway(Json(o))).ToList(),
            Routes = objects.Where(o => o.Kind() == "TCPRoute").Select(o => GatewayApiJson.TcpRoute(Json(o))).ToList(),
            ReferenceGrants = objects.Where(o => o.Kind() == "ReferenceGrant").Select(o => GatewayApiJson.ReferenceGrant(Json(o))).ToList(),
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
    public void ClusterRole_EveryCallOfTheController_GrantedAndNothingWild()
    {
        var objects = Kustomize.Render("controller");
        var granted = Grants(objects.Single("ClusterRole", "slotgate-controller"));
        const string gw = "gateway.networking.k8s.io";
        (string, string, string)[] needed =
        [
            (gw, "gatewayclasses", "list"), (gw, "gatewayclasses", "watch"), (gw, "gateways", "list"), (gw, "gateways", "watch"),
            (gw, "gateways", "patch"), (gw, "tcproutes", "list"), (gw, "tcproutes", "watch"), (gw, "referencegrants", "list"),
            (gw, "referencegrants", "watch"), (gw, "gatewayclasses/status", "patch"), (gw, "gateways/status", "patch"),
            (gw, "tcproutes/status", "update"),
            ("", "services", "list"), ("", "services", "watch"), ("", "services", "create"), ("", "services", "patch"),
            ("", "configmaps", "list"), ("", "configmaps", "watch"), ("", "configmaps", "create"), ("", "configmaps", "patch"),
            ("", "serviceaccounts", "create"), ("", "serviceaccounts", "patch"), ("", "namespaces", "list"), ("", "namespaces", "watch"),
            ("", "events", "create"),
            ("apps", "deployments", "list"), ("apps", "deployments", "watch"), ("apps", "deployments", "create"), ("apps", "deployments", "patch"),
            ("apiextensions.k8s.io", "customresourcedefinitions", "get"),
        ];

        Assert.Equal(needed.Order(), granted.Order());
        Assert.DoesNotContain(granted, g => g.Item1 == "*" || g.Item2 == "*" || g.Item3 == "*");
    }

    [Fact]
    public void Role_LeaderElection_LeasesInTheControllersNamespaceOnly()
    {
        var objects = Kustomize.Render("controller");
        var role = objects.Single("Role", "slotgate-controller-leader-election");

        Assert.Equal("slotgate-system", role.RequiredText("metadata.namespace"));
        Assert.Equal(
            [("coordination.k8s.io", "leases", "create"), ("coordination.k8s.io", "leases", "get"), ("coordination.k8s.io", "leases", "update")],
            Grants(role).Order());
        var binding = objects.Single("RoleBinding", "slotgate-controller-leader-election");
        Assert.Equal("slotgate-controller", Assert.Single(binding.Items("subjects")).RequiredText("name"));
    }

    [Fact]
    public void Deployment_TwoReplicasWithPodNamespace_ForLeaderElection()
    {
        var deployment = Kustomize.Render("controller").Single("Deployment", "slotgate-controller");

        Assert.Equal("2", deployment.RequiredText("spec.replicas"));
        var env = Assert.Single(deployment.Items("spec.template.spec.containers")).Items("env");
        Assert.Contains(env, e => e.Text("name") == "POD_NAMESPACE" && e.Text("valueFrom.fieldRef.fieldPath") == "metadata.namespace");
    }

    private static List<(string, string, string)> Grants(YamlMappingNode role) =>
        role.Items("rules").SelectMany(r =>
            from g in r.Items("apiGroups") from res in r.Items("resources") from v in r.Items("verbs")
            select (g.ToString(), res.ToString(), v.ToString())).ToList();

    private static ServiceInput ServiceOf(YamlMappingNode service)
    {
        var labels = service.StringMap("metadata.labels");
        string ns = service.RequiredText("metadata.namespace");
        return new ServiceInput(
            new ObjectKey(ns, service.Name()),
            service.Items("spec.ports").Select(p => int.Parse(p.RequiredText("port"))).ToList(),
            labels.TryGetValue("istio.io/use-waypoint", out string? waypoint) ? new ObjectKey(ns, waypoint) : null);
    }

    private static System.Text.Json.JsonElement Json(YamlDotNet.RepresentationModel.YamlNode node) =>
        System.Text.Json.JsonSerializer.SerializeToElement(Slotgate.Controller.Tests.Schemas.YamlJson.ToJson(node));
}
