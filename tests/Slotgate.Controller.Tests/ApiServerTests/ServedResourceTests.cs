using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Slotgate.Controller.Tests.ApiServer;

namespace Slotgate.Controller.Tests.ApiServerTests;

/// <summary>What the server serves: discovery, CRDs created and changed through the API, and Events under both APIs.</summary>
public sealed class ServedResourceTests : ServerTest
{
    [Fact]
    public async Task Discovery_ServedGroupsAndInstalledCrds_AreListed()
    {
        Server.InstallGatewayApiCrds();

        var core = await Admin.CoreV1.GetAPIResourcesAsync();
        var groups = await Admin.Apis.GetAPIVersionsAsync();
        var apps = await Admin.AppsV1.GetAPIResourcesAsync();

        Assert.Contains(core.Resources, r => r.Name == "configmaps" && r.Namespaced);
        var gatewayGroup = groups.Groups.Single(g => g.Name == Gw);
        Assert.Equal("v1", gatewayGroup.PreferredVersion.Version);
        Assert.Contains(gatewayGroup.Versions, v => v.Version == "v1alpha2");
        Assert.Contains(apps.Resources, r => r.Name == "deployments/status");
    }

    [Fact]
    public async Task Create_CrdThroughTheApi_ServesItsVersionsAndStatusSubresource()
    {
        JsonObject tcpRoutes = TestApiServer.GatewayApiCrds().Single(c => (string?)c["metadata"]!["name"] == "tcproutes.gateway.networking.k8s.io");

        await Admin.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubernetesJson.Deserialize<V1CustomResourceDefinition>(tcpRoutes.ToJsonString()));
        var route = new JsonObject
        {
            ["apiVersion"] = "gateway.networking.k8s.io/v1alpha2",
            ["kind"] = "TCPRoute",
            ["metadata"] = new JsonObject { ["name"] = "r" },
            ["spec"] = new JsonObject { ["rules"] = new JsonArray(new JsonObject()) },
            ["status"] = new JsonObject { ["parents"] = new JsonArray() },
        };
        JsonObject created = Json(await Admin.CustomObjects.CreateNamespacedCustomObjectAsync(Body(route), Gw, "v1alpha2", "default", "tcproutes"));
        JsonObject list = Json(await Admin.CustomObjects.ListClusterCustomObjectAsync(Gw, "v1alpha2", "tcproutes"));
        var crd = await Admin.ApiextensionsV1.ReadCustomResourceDefinitionAsync("tcproutes.gateway.networking.k8s.io");

        Assert.Null(created["status"]);
        Assert.Equal("r", (string?)list["items"]![0]!["metadata"]!["name"]);
        Assert.Contains(crd.Status.Conditions, c => c.Type == "Established" && c.Status == "True");
        var (code, _) = await FailsAsync(() => Admin.CustomObjects.ListClusterCustomObjectAsync(Gw, "v1", "tcproutes"));
        Assert.Equal(HttpStatusCode.NotFound, code);
    }

    [Fact]
    public async Task Replace_CrdWithAnotherServedVersion_ServesItAtOnce()
    {
        JsonObject Version(string name, bool storage) => new()
        {
            ["name"] = name,
            ["served"] = true,
            ["storage"] = storage,
            ["schema"] = new JsonObject { ["openAPIV3Schema"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true } },
        };
        JsonObject crd = Server.Create(new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = "widgets.example.com" },
            ["spec"] = new JsonObject
            {
                ["group"] = "example.com",
                ["scope"] = "Cluster",
                ["names"] = new JsonObject { ["plural"] = "widgets", ["singular"] = "widget", ["kind"] = "Widget", ["listKind"] = "WidgetList" },
                ["versions"] = new JsonArray(Version("v1alpha1", true)),
            },
        });
        var (before, _) = await FailsAsync(() => Admin.CustomObjects.ListClusterCustomObjectAsync("example.com", "v1", "widgets"));

        ((JsonArray)crd["spec"]!["versions"]!).Add(Version("v1", false));
        await Admin.ApiextensionsV1.ReplaceCustomResourceDefinitionAsync(KubernetesJson.Deserialize<V1CustomResourceDefinition>(crd.ToJsonString()), "widgets.example.com");
        JsonObject list = Json(await Admin.CustomObjects.ListClusterCustomObjectAsync("example.com", "v1", "widgets"));

        Assert.Equal(HttpStatusCode.NotFound, before);
        Assert.Equal("WidgetList", (string?)list["kind"]);
    }

    [Fact]
    public async Task Events_CoreAndEventsApi_AreOneResource()
    {
        await Admin.CoreV1.CreateNamespacedEventAsync(new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = "gw.1" },
            InvolvedObject = new V1ObjectReference { Kind = "Gateway", Name = "gw", NamespaceProperty = "default" },
            Reason = "Programmed",
            Message = "a pod is ready",
            Type = "Normal",
            Count = 1,
        }, "default");
        await Admin.EventsV1.CreateNamespacedEventAsync(new Eventsv1Event
        {
            Metadata = new V1ObjectMeta { Name = "gw.2" },
            Regarding = new V1ObjectReference { Kind = "Gateway", Name = "gw", NamespaceProperty = "default" },
            Reason = "ApplyFailed",
            Note = "the Deployment was rejected",
            Type = "Warning",
            EventTime = DateTime.UtcNow,
            ReportingController = "slotgate.io/gateway-controller",
            ReportingInstance = "slotgate-controller-0",
            Action = "Apply",
        }, "default");

        var asEvents = await Admin.EventsV1.ListNamespacedEventAsync("default");
        var asCore = await Admin.CoreV1.ListNamespacedEventAsync("default");

        Assert.Equal(["a pod is ready", "the Deployment was rejected"], asEvents.Items.Select(e => e.Note));
        Assert.Equal(1, asEvents.Items[0].DeprecatedCount);
        Assert.Equal(["a pod is ready", "the Deployment was rejected"], asCore.Items.Select(e => e.Message));
        Assert.Equal("gw", asCore.Items[1].InvolvedObject.Name);
        Assert.Equal("slotgate.io/gateway-controller", asCore.Items[1].ReportingComponent);
    }
}
