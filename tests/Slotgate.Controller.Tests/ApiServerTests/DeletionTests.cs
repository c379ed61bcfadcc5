using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Slotgate.Controller.Tests.ApiServerTests;

/// <summary>Deletes through the real KubernetesClient: garbage collection of dependents, finalizers, Terminating namespaces.</summary>
public sealed class DeletionTests : ServerTest
{
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
}
