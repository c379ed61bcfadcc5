using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Slotgate.Controller.Tests.ApiServer;

namespace Slotgate.Controller.Tests.ApiServerTests;

/// <summary>Objects through the real KubernetesClient: metadata, resourceVersion, generation, status, errors, selectors, GC.</summary>
public sealed class ObjectTests : ServerTest
{
    [Fact]
    public async Task Create_ConfigMap_FillsServerMetadataAndIncreasesResourceVersion()
    {
        var first = await Admin.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a" }, Data = new Dictionary<string, string> { ["k"] = "v" } }, "default");
        var second = await Admin.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "b" } }, "default");

        Assert.Equal("ConfigMap", first.Kind);
        Assert.Equal("default", first.Metadata.NamespaceProperty);
        Assert.False(string.IsNullOrEmpty(first.Metadata.Uid));
        Assert.NotNull(first.Metadata.CreationTimestamp);
        Assert.True(long.Parse(second.Metadata.ResourceVersion) > long.Parse(first.Metadata.ResourceVersion));
        var read = await Admin.CoreV1.ReadNamespacedConfigMapAsync("a", "default");
        Assert.Equal(first.Metadata.ResourceVersion, read.Metadata.ResourceVersion);
        Assert.Equal("v", read.Data["k"]);
    }

    [Fact]
    public async Task Read_Missing_Returns404NotFoundStatus()
    {
        var (code, status) = await FailsAsync(() => Admin.CoreV1.ReadNamespacedConfigMapAsync("nope", "default"));

        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Equal("NotFound", (string?)status["reason"]);
        Assert.Equal("configmaps \"nope\" not found", (string?)status["message"]);
        Assert.Equal("configmaps", (string?)status["details"]!["kind"]);
    }

    [Fact]
    public async Task Create_Existing_Returns409AlreadyExists()
    {
        Server.Create(Deployment("default", "d"));

        var (code, status) = await FailsAsync(() => Admin.AppsV1.CreateNamespacedDeploymentAsync(
            KubernetesJson.Deserialize<V1Deployment>(Deployment("default", "d").ToJsonString()), "default"));

        Assert.Equal(HttpStatusCode.Conflict, code);
        Assert.Equal("AlreadyExists", (string?)status["reason"]);
        Assert.Equal("deployments.apps \"d\" already exists", (string?)status["message"]);
    }

    [Fact]
    public async Task Create_InMissingNamespace_Returns404ForTheNamespace()
    {
        var (code, status) = await FailsAsync(() => Admin.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a" } }, "missing"));

        Assert.Equal(HttpStatusCode.NotFound, code);
        Assert.Equal("namespaces \"missing\" not found", (string?)status["message"]);
    }

    [Fact]
    public async Task Replace_StaleResourceVersion_Returns409ConflictWithTheRealMessage()
    {
        var created = await Admin.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a" } }, "default");
        created.Data = new Dictionary<string, string> { ["k"] = "1" };
        var updated = await Admin.CoreV1.ReplaceNamespacedConfigMapAsync(created, "a", "default");
        Assert.NotEqual(created.Metadata.ResourceVersion, updated.Metadata.ResourceVersion);

        created.Data["k"] = "2";
        var (code, status) = await FailsAsync(() => Admin.CoreV1.ReplaceNamespacedConfigMapAsync(created, "a", "default"));

        Assert.Equal(HttpStatusCode.Conflict, code);
        Assert.Equal("Conflict", (string?)status["reason"]);
        Assert.Equal(
            "Operation cannot be fulfilled on configmaps \"a\": the object has been modified; please apply your changes to the latest version and try again",
            (string?)status["message"]);
        Assert.Equal("1", (await Admin.CoreV1.ReadNamespacedConfigMapAsync("a", "default")).Data["k"]);
    }

    [Fact]
    public async Task Replace_CustomResourceWithoutResourceVersion_Returns422()
    {
        Server.InstallGatewayApiCrds();
        Server.Create(Gateway("default", "gw"));

        var (code, status) = await FailsAsync(() => Admin.CustomObjects.ReplaceNamespacedCustomObjectAsync(Body(Gateway("default", "gw")), Gw, "v1", "default", "gateways", "gw"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal(
            "gateways.gateway.networking.k8s.io \"gw\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update",
            (string?)status["message"]);
    }

    [Fact]
    public async Task Apply_Service_ClusterIpAllocatedOnceAndKept()
    {
        var service = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject { ["name"] = "gw", ["namespace"] = "default" },
            ["spec"] = new JsonObject { ["ports"] = new JsonArray(new JsonObject { ["name"] = "redis", ["port"] = 7000 }) },
        };
        var apply = new V1Patch(service.ToJsonString(), V1Patch.PatchType.ApplyPatch);

        V1Service created = await Admin.CoreV1.PatchNamespacedServiceAsync(apply, "gw", "default", fieldManager: "slotgate-controller", force: true);
        V1Service again = await Admin.CoreV1.PatchNamespacedServiceAsync(apply, "gw", "default", fieldManager: "slotgate-controller", force: true);
        V1Service other = await Admin.CoreV1.CreateNamespacedServiceAsync(new V1Service { Metadata = new V1ObjectMeta { Name = "other" }, Spec = new V1ServiceSpec() }, "default");

        Assert.StartsWith("10.96.", created.Spec.ClusterIP, StringComparison.Ordinal);
        Assert.Equal([created.Spec.ClusterIP], created.Spec.ClusterIPs);
        Assert.Equal("ClusterIP", created.Spec.Type);
        Assert.Equal(created.Spec.ClusterIP, again.Spec.ClusterIP);
        Assert.Equal(created.Metadata.ResourceVersion, again.Metadata.ResourceVersion);
        Assert.NotEqual(created.Spec.ClusterIP, other.Spec.ClusterIP);
    }

    [Fact]
    public async Task Replace_ConcurrentReadModifyWriteWithRetryOnConflict_LosesNoIncrement()
    {
        Server.Create(ConfigMap("default", "counter", ("n", "0")));
        const int Writers = 6, Increments = 10;

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            for (int done = 0; done < Increments;)
            {
                V1ConfigMap map = await Admin.CoreV1.ReadNamespacedConfigMapAsync("counter", "default");
                map.Data["n"] = (int.Parse(map.Data["n"], System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                try
                {
                    await Admin.CoreV1.ReplaceNamespacedConfigMapAsync(map, "counter", "default");
                    done++;
                }
                catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
                {
                    // Another writer got there first: read again.
                }
            }
        })));

        Assert.Equal((Writers * Increments).ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)Server.Get("v1", "ConfigMap", "default", "counter")["data"]!["n"]);
    }

    [Fact]
    public async Task Replace_Deployment_GenerationMovesWithSpecOnly()
    {
        Server.Create(Deployment("default", "d"));
        var deployment = await Admin.AppsV1.ReadNamespacedDeploymentAsync("d", "default");
        Assert.Equal(1, deployment.Metadata.Generation);

        deployment.Metadata.Labels = new Dictionary<string, string> { ["x"] = "y" };
        deployment = await Admin.AppsV1.ReplaceNamespacedDeploymentAsync(deployment, "d", "default");
        Assert.Equal(1, deployment.Metadata.Generation);

        deployment.Spec.Replicas = 3;
        deployment = await Admin.AppsV1.ReplaceNamespacedDeploymentAsync(deployment, "d", "default");
        Assert.Equal(2, deployment.Metadata.Generation);

        JsonObject status = Server.Get("apps/v1", "Deployment", "default", "d");
        status["status"] = new JsonObject { ["readyReplicas"] = 3 };
        Server.UpdateStatus(status);
        Assert.Equal(2, (await Admin.AppsV1.ReadNamespacedDeploymentAsync("d", "default")).Metadata.Generation);
    }

    [Fact]
    public async Task Replace_NoChange_KeepsResourceVersion()
    {
        var created = await Admin.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a" } }, "default");

        var same = await Admin.CoreV1.ReplaceNamespacedConfigMapAsync(created, "a", "default");

        Assert.Equal(created.Metadata.ResourceVersion, same.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task ReplaceAndReplaceStatus_Gateway_StatusIsASeparateSubresource()
    {
        Server.InstallGatewayApiCrds();
        await Admin.CustomObjects.CreateNamespacedCustomObjectAsync(Body(Gateway("default", "gw")), Gw, "v1", "default", "gateways");

        JsonObject withStatus = Json(await Admin.CustomObjects.GetNamespacedCustomObjectAsync(Gw, "v1", "default", "gateways", "gw"));
        withStatus["status"] = new JsonObject { ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Programmed", ["status"] = "True" }) };
        withStatus["spec"]!["gatewayClassName"] = "changed-too";
        JsonObject afterStatus = Json(await Admin.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(Body(withStatus), Gw, "v1", "default", "gateways", "gw"));

        Assert.Equal("slotgate", (string?)afterStatus["spec"]!["gatewayClassName"]);
        Assert.Equal("Programmed", (string?)afterStatus["status"]!["conditions"]![0]!["type"]);
        Assert.Equal(1, (int?)afterStatus["metadata"]!["generation"]);

        afterStatus["status"] = new JsonObject();
        afterStatus["spec"]!["gatewayClassName"] = "other";
        JsonObject afterMain = Json(await Admin.CustomObjects.ReplaceNamespacedCustomObjectAsync(Body(afterStatus), Gw, "v1", "default", "gateways", "gw"));

        Assert.Equal("other", (string?)afterMain["spec"]!["gatewayClassName"]);
        Assert.Equal("Programmed", (string?)afterMain["status"]!["conditions"]![0]!["type"]);
        Assert.Equal(2, (int?)afterMain["metadata"]!["generation"]);
    }

    [Fact]
    public async Task PatchStatus_MergePatchAsTheControllerSendsIt_ChangesOnlyStatus()
    {
        Server.InstallGatewayApiCrds();
        Server.Create(Gateway("default", "gw"));
        var patch = new JsonObject
        {
            ["spec"] = new JsonObject { ["gatewayClassName"] = "ignored" },
            ["status"] = new JsonObject { ["addresses"] = new JsonArray(new JsonObject { ["type"] = "IPAddress", ["value"] = "10.0.0.1" }) },
        };

        JsonObject patched = Json(await Admin.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), Gw, "v1", "default", "gateways", "gw"));

        Assert.Equal("slotgate", (string?)patched["spec"]!["gatewayClassName"]);
        Assert.Equal("10.0.0.1", (string?)patched["status"]!["addresses"]![0]!["value"]);
        Assert.Equal("10.0.0.1", (string?)Server.Get("gateway.networking.k8s.io/v1", "Gateway", "default", "gw")["status"]!["addresses"]![0]!["value"]);
    }

    [Fact]
    public async Task Create_GatewayWithStatus_DropsStatusAsTheStatusSubresourceDemands()
    {
        Server.InstallGatewayApiCrds();
        JsonObject gateway = Gateway("default", "gw");
        gateway["status"] = new JsonObject { ["addresses"] = new JsonArray() };

        JsonObject created = Json(await Admin.CustomObjects.CreateNamespacedCustomObjectAsync(Body(gateway), Gw, "v1", "default", "gateways"));

        Assert.Null(created["status"]);
    }

    [Fact]
    public async Task Patch_StrategicMergeOnContainers_MergesByName()
    {
        JsonObject deployment = Deployment("default", "d");
        ((JsonArray)deployment["spec"]!["template"]!["spec"]!["containers"]!).Add(new JsonObject { ["name"] = "sidecar", ["image"] = "side:1" });
        Server.Create(deployment);
        const string Patch = """{"spec":{"template":{"spec":{"containers":[{"name":"slotgate","image":"slotgate:2"}]}}}}""";

        var patched = await Admin.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(Patch, V1Patch.PatchType.StrategicMergePatch), "d", "default");

        Assert.Equal(["slotgate:2", "side:1"], patched.Spec.Template.Spec.Containers.Select(c => c.Image));
        Assert.Equal(2, patched.Metadata.Generation);
    }

    [Fact]
    public async Task Patch_MergePatchOnContainers_ReplacesTheList()
    {
        JsonObject deployment = Deployment("default", "d");
        ((JsonArray)deployment["spec"]!["template"]!["spec"]!["containers"]!).Add(new JsonObject { ["name"] = "sidecar", ["image"] = "side:1" });
        Server.Create(deployment);
        const string Patch = """{"spec":{"template":{"spec":{"containers":[{"name":"slotgate","image":"slotgate:2"}]}}}}""";

        var patched = await Admin.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(Patch, V1Patch.PatchType.MergePatch), "d", "default");

        Assert.Equal(["slotgate:2"], patched.Spec.Template.Spec.Containers.Select(c => c.Image));
    }

    [Fact]
    public async Task Patch_JsonPatch_AppliesOperationsAndTestFailureIs422()
    {
        Server.Create(Deployment("default", "d"));
        const string Patch = """[{"op":"replace","path":"/spec/replicas","value":5},{"op":"add","path":"/metadata/labels","value":{"a":"b"}}]""";

        var patched = await Admin.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(Patch, V1Patch.PatchType.JsonPatch), "d", "default");

        Assert.Equal(5, patched.Spec.Replicas);
        Assert.Equal("b", patched.Metadata.Labels["a"]);
        var (code, _) = await FailsAsync(() => Admin.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch("""[{"op":"test","path":"/spec/replicas","value":1}]""", V1Patch.PatchType.JsonPatch), "d", "default"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
    }

    [Fact]
    public async Task Patch_StrategicMergeOnCustomResource_Returns415()
    {
        Server.InstallGatewayApiCrds();
        Server.Create(Gateway("default", "gw"));

        var (code, _) = await FailsAsync(() => Admin.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("{}", V1Patch.PatchType.StrategicMergePatch), Gw, "v1", "default", "gateways", "gw"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, code);
    }

    [Fact]
    public async Task List_LabelAndFieldSelectors_FilterAndReportResourceVersion()
    {
        Server.CreateNamespace("other");
        JsonObject a = ConfigMap("default", "a");
        a["metadata"]!["labels"] = new JsonObject { ["app"] = "x", ["tier"] = "1" };
        JsonObject b = ConfigMap("other", "b");
        b["metadata"]!["labels"] = new JsonObject { ["app"] = "y" };
        Server.Create(a);
        Server.Create(b);
        Server.Create(ConfigMap("other", "c"));

        var all = await Admin.CoreV1.ListConfigMapForAllNamespacesAsync();
        var labelled = await Admin.CoreV1.ListConfigMapForAllNamespacesAsync(labelSelector: "app in (x,y),tier!=2");
        var byName = await Admin.CoreV1.ListConfigMapForAllNamespacesAsync(fieldSelector: "metadata.name=c");
        var notLabelled = await Admin.CoreV1.ListNamespacedConfigMapAsync("other", labelSelector: "!app");

        Assert.Equal(["a", "b", "c"], all.Items.Select(i => i.Metadata.Name));
        Assert.Equal(Server.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), all.Metadata.ResourceVersion);
        Assert.Equal(["a", "b"], labelled.Items.Select(i => i.Metadata.Name));
        Assert.Equal(["c"], byName.Items.Select(i => i.Metadata.Name));
        Assert.Equal(["c"], notLabelled.Items.Select(i => i.Metadata.Name));
    }

    [Fact]
    public async Task List_LimitAndContinue_PagesThroughAll()
    {
        foreach (string name in new[] { "a", "b", "c" })
        {
            Server.Create(ConfigMap("default", name));
        }

        var first = await Admin.CoreV1.ListNamespacedConfigMapAsync("default", limit: 2);
        var second = await Admin.CoreV1.ListNamespacedConfigMapAsync("default", limit: 2, continueParameter: first.Metadata.ContinueProperty);

        Assert.Equal(["a", "b"], first.Items.Select(i => i.Metadata.Name));
        Assert.Equal(["c"], second.Items.Select(i => i.Metadata.Name));
        Assert.Null(second.Metadata.ContinueProperty);
    }

    [Fact]
    public async Task Delete_Owner_DeletesDependentsWhoseOwnersAreAllGone()
    {
        Server.InstallGatewayApiCrds();
        JsonObject gateway = Server.Create(Gateway("default", "gw"));
        JsonObject other = Server.Create(Gateway("default", "other"));
        JsonNode OwnerRef(JsonObject owner) => new JsonObject
        {
            ["apiVersion"] = "gateway.networking.k8s.io/v1",
            ["kind"] = "Gateway",
            ["name"] = owner["metadata"]!["name"]!.DeepClone(),
            ["uid"] = owner["metadata"]!["uid"]!.DeepClone(),
            ["controller"] = true,
        };
        JsonObject owned = Deployment("default", "gw");
        owned["metadata"]!["ownerReferences"] = new JsonArray(OwnerRef(gateway));
        Server.Create(owned);
        JsonObject map = ConfigMap("default", "gw");
        map["metadata"]!["ownerReferences"] = new JsonArray(OwnerRef(gateway));
        JsonObject created = Server.Create(map);
        JsonObject shared = ConfigMap("default", "shared");
        shared["metadata"]!["ownerReferences"] = new JsonArray(OwnerRef(gateway), OwnerRef(other));
        Server.Create(shared);
        // A dependent of a dependent goes too.
        JsonObject grandchild = ConfigMap("default", "grandchild");
        grandchild["metadata"]!["ownerReferences"] = new JsonArray(new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["name"] = "gw", ["uid"] = created["metadata"]!["uid"]!.DeepClone(),
        });
        Server.Create(grandchild);

        await Admin.CustomObjects.DeleteNamespacedCustomObjectAsync(Gw, "v1", "default", "gateways", "gw");

        Assert.Null(Server.TryGet("apps/v1", "Deployment", "default", "gw"));
        Assert.Null(Server.TryGet("v1", "ConfigMap", "default", "gw"));
        Assert.Null(Server.TryGet("v1", "ConfigMap", "default", "grandchild"));
        Assert.NotNull(Server.TryGet("v1", "ConfigMap", "default", "shared"));
    }

    [Fact]
    public async Task Delete_WithFinalizer_MarksUntilTheLastFinalizerIsRemovedThenCollectsDependents()
    {
        Server.InstallGatewayApiCrds();
        JsonObject gateway = Gateway("default", "gw");
        gateway["metadata"]!["finalizers"] = new JsonArray("gateway-exists-finalizer.gateway.networking.k8s.io");
        JsonObject created = Server.Create(gateway);
        JsonObject owned = ConfigMap("default", "owned");
        owned["metadata"]!["ownerReferences"] = new JsonArray(new JsonObject
        {
            ["apiVersion"] = "gateway.networking.k8s.io/v1", ["kind"] = "Gateway", ["name"] = "gw", ["uid"] = created["metadata"]!["uid"]!.DeepClone(),
        });
        Server.Create(owned);

        var response = await Admin.CustomObjects.DeleteNamespacedCustomObjectWithHttpMessagesAsync(Gw, "v1", "default", "gateways", "gw");
        JsonObject marked = Server.Get("gateway.networking.k8s.io/v1", "Gateway", "default", "gw");
        marked["metadata"]!["finalizers"] = new JsonArray("gateway-exists-finalizer.gateway.networking.k8s.io", "another");
        var (code, _) = await FailsAsync(() => Admin.CustomObjects.ReplaceNamespacedCustomObjectAsync(Body(marked), Gw, "v1", "default", "gateways", "gw"));

        Assert.Equal(HttpStatusCode.Accepted, response.Response.StatusCode);
        Assert.NotNull(marked["metadata"]!["deletionTimestamp"]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.NotNull(Server.TryGet("v1", "ConfigMap", "default", "owned"));

        await Admin.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), Gw, "v1", "default", "gateways", "gw");

        Assert.Null(Server.TryGet("gateway.networking.k8s.io/v1", "Gateway", "default", "gw"));
        Assert.Null(Server.TryGet("v1", "ConfigMap", "default", "owned"));
    }

    [Fact]
    public async Task Delete_NamespaceWithHeldContent_StaysTerminatingAndRefusesNewContent()
    {
        Server.CreateNamespace("gone");
        JsonObject held = ConfigMap("gone", "held");
        held["metadata"]!["finalizers"] = new JsonArray("example.com/cleanup");
        Server.Create(held);
        Server.Create(ConfigMap("gone", "free"));

        await Admin.CoreV1.DeleteNamespaceAsync("gone");
        var terminating = await Admin.CoreV1.ReadNamespaceAsync("gone");
        var (code, status) = await FailsAsync(() => Admin.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "new" } }, "gone"));

        Assert.Equal("Terminating", terminating.Status.Phase);
        Assert.Null(Server.TryGet("v1", "ConfigMap", "gone", "free"));
        Assert.Equal(HttpStatusCode.Forbidden, code);
        Assert.Equal("configmaps \"new\" is forbidden: unable to create new content in namespace gone because it is being terminated", (string?)status["message"]);

        await Admin.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"finalizers":[]}}""", V1Patch.PatchType.MergePatch), "held", "gone");

        Assert.Null(Server.TryGet("v1", "ConfigMap", "gone", "held"));
        Assert.Null(Server.TryGet("v1", "Namespace", null, "gone"));
    }

    [Fact]
    public async Task Delete_Namespace_DeletesItsContents()
    {
        Server.CreateNamespace("gone");
        Server.Create(ConfigMap("gone", "a"));

        await Admin.CoreV1.DeleteNamespaceAsync("gone");

        Assert.Null(Server.TryGet("v1", "ConfigMap", "gone", "a"));
        Assert.Null(Server.TryGet("v1", "Namespace", null, "gone"));
    }

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
    public async Task Kubeconfig_WrittenForAnIdentity_IsReadByKubernetesClient()
    {
        string path = Path.Combine(Path.GetTempPath(), $"kubeconfig-{Guid.NewGuid():N}");
        try
        {
            Server.WriteAdminKubeconfig(path);
            using var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(path));

            var namespaces = await client.CoreV1.ListNamespaceAsync();

            Assert.Contains(namespaces.Items, n => n.Metadata.Name == "default");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
