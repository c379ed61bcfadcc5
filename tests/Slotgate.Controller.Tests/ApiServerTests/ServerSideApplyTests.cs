using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Slotgate.Controller.Tests.ApiServerTests;

/// <summary>Server-side apply through the real KubernetesClient, as the controller applies its owned objects.</summary>
public sealed class ServerSideApplyTests : ServerTest
{
    private Task<V1Deployment> ApplyAsync(JsonObject deployment, string manager, bool force = false) =>
        Admin.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch(deployment.ToJsonString(), V1Patch.PatchType.ApplyPatch),
            (string)deployment["metadata"]!["name"]!, (string)deployment["metadata"]!["namespace"]!, fieldManager: manager, force: force);

    private static JsonObject FieldsOf(V1Deployment deployment, string manager) =>
        JsonNode.Parse(KubernetesJson.Serialize(deployment.Metadata.ManagedFields.Single(m => m.Manager == manager).FieldsV1))!.AsObject();

    [Fact]
    public async Task Apply_Absent_CreatesAndRecordsTheAppliedFields()
    {
        V1Deployment created = await ApplyAsync(Deployment("default", "d"), "slotgate-controller");

        Assert.Equal(1, created.Metadata.Generation);
        V1ManagedFieldsEntry entry = Assert.Single(created.Metadata.ManagedFields);
        Assert.Equal("Apply", entry.Operation);
        Assert.Equal("apps/v1", entry.ApiVersion);
        JsonObject fields = FieldsOf(created, "slotgate-controller");
        Assert.NotNull(fields["f:spec"]!["f:replicas"]);
        JsonNode container = fields["f:spec"]!["f:template"]!["f:spec"]!["f:containers"]!["k:{\"name\":\"slotgate\"}"]!;
        Assert.NotNull(container["."]);
        Assert.NotNull(container["f:image"]);
    }

    [Fact]
    public async Task Apply_SameConfigurationAgain_ChangesNothing()
    {
        V1Deployment first = await ApplyAsync(Deployment("default", "d"), "slotgate-controller", force: true);

        V1Deployment second = await ApplyAsync(Deployment("default", "d"), "slotgate-controller", force: true);

        Assert.Equal(first.Metadata.ResourceVersion, second.Metadata.ResourceVersion);
        Assert.Equal(1, second.Metadata.Generation);
    }

    [Fact]
    public async Task Apply_FieldOwnedByAnotherManagerWithAnotherValue_Returns409ListingTheField()
    {
        await ApplyAsync(Deployment("default", "d", image: "slotgate:1"), "slotgate-controller");

        var (code, status) = await FailsAsync(() => ApplyAsync(Deployment("default", "d", image: "slotgate:2"), "someone-else"));

        Assert.Equal(HttpStatusCode.Conflict, code);
        Assert.Equal("Conflict", (string?)status["reason"]);
        Assert.Equal(
            "Apply failed with 1 conflict: conflict with \"slotgate-controller\" using apps/v1: .spec.template.spec.containers[name=\"slotgate\"].image",
            (string?)status["message"]);
        Assert.Equal(".spec.template.spec.containers[name=\"slotgate\"].image", (string?)status["details"]!["causes"]![0]!["field"]);
    }

    [Fact]
    public async Task Apply_SameValueAsAnotherManager_SharesOwnership()
    {
        await ApplyAsync(Deployment("default", "d"), "slotgate-controller");

        V1Deployment shared = await ApplyAsync(Deployment("default", "d"), "someone-else");

        Assert.Equal(2, shared.Metadata.ManagedFields.Count);
        Assert.NotNull(FieldsOf(shared, "someone-else")["f:spec"]!["f:replicas"]);
        Assert.NotNull(FieldsOf(shared, "slotgate-controller")["f:spec"]!["f:replicas"]);
    }

    [Fact]
    public async Task Apply_Forced_TakesTheFieldOver()
    {
        await ApplyAsync(Deployment("default", "d", replicas: 2), "someone-else");

        V1Deployment forced = await ApplyAsync(Deployment("default", "d", replicas: 3), "slotgate-controller", force: true);

        Assert.Equal(3, forced.Spec.Replicas);
        Assert.Null(FieldsOf(forced, "someone-else")["f:spec"]!["f:replicas"]);
        Assert.NotNull(FieldsOf(forced, "slotgate-controller")["f:spec"]!["f:replicas"]);
    }

    [Fact]
    public async Task Apply_FieldNoLongerApplied_IsRemovedUnlessAnotherManagerOwnsIt()
    {
        JsonObject withExtras = Deployment("default", "d");
        withExtras["metadata"]!["labels"] = new JsonObject { ["mine"] = "1", ["shared"] = "1" };
        ((JsonArray)withExtras["spec"]!["template"]!["spec"]!["containers"]!).Add(new JsonObject { ["name"] = "sidecar", ["image"] = "side:1" });
        await ApplyAsync(withExtras, "slotgate-controller");
        await ApplyAsync(new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = "d", ["namespace"] = "default", ["labels"] = new JsonObject { ["shared"] = "1" } },
        }, "someone-else");

        V1Deployment after = await ApplyAsync(Deployment("default", "d"), "slotgate-controller");

        Assert.Equal(["slotgate"], after.Spec.Template.Spec.Containers.Select(c => c.Name));
        Assert.Equal(new Dictionary<string, string> { ["shared"] = "1" }, after.Metadata.Labels);
    }

    [Fact]
    public async Task Apply_LastLabelNoLongerApplied_LabelsGoAltogether()
    {
        JsonObject labelled = Deployment("default", "d");
        labelled["metadata"]!["labels"] = new JsonObject { ["mine"] = "1" };
        await ApplyAsync(labelled, "slotgate-controller");

        V1Deployment after = await ApplyAsync(Deployment("default", "d"), "slotgate-controller");

        Assert.Null(after.Metadata.Labels);
        Assert.Null(Server.Get("apps/v1", "Deployment", "default", "d")["metadata"]!["labels"]);
    }

    [Fact]
    public async Task Apply_AfterAnUpdateByAnotherManager_ConflictsOnTheUpdatedField()
    {
        await ApplyAsync(Deployment("default", "d", replicas: 2), "slotgate-controller");
        await Admin.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"replicas":5}}""", V1Patch.PatchType.MergePatch), "d", "default", fieldManager: "kubectl-scale");

        var (code, status) = await FailsAsync(() => ApplyAsync(Deployment("default", "d", replicas: 2), "slotgate-controller"));
        V1Deployment forced = await ApplyAsync(Deployment("default", "d", replicas: 2), "slotgate-controller", force: true);

        Assert.Equal(HttpStatusCode.Conflict, code);
        Assert.Contains("conflict with \"kubectl-scale\"", (string?)status["message"], StringComparison.Ordinal);
        Assert.Equal(2, forced.Spec.Replicas);
    }

    [Fact]
    public async Task Apply_NullValue_SetsAndOwnsNothing()
    {
        JsonObject deployment = Deployment("default", "d");
        deployment["spec"]!["replicas"] = 3;
        await ApplyAsync(deployment, "slotgate-controller");
        deployment["spec"]!["replicas"] = null;

        V1Deployment after = await ApplyAsync(deployment, "slotgate-controller");

        // No longer set by anyone: the field goes, and the server's default comes back.
        Assert.Equal(1, after.Spec.Replicas);
        Assert.Null(FieldsOf(after, "slotgate-controller")["f:spec"]!["f:replicas"]);
    }

    [Fact]
    public async Task PatchStatus_MergePatch_RecordsAStatusSubresourceManager()
    {
        Server.Create(Deployment("default", "d"));

        V1Deployment patched = await Admin.AppsV1.PatchNamespacedDeploymentStatusAsync(
            new V1Patch("""{"status":{"readyReplicas":1}}""", V1Patch.PatchType.MergePatch), "d", "default", fieldManager: "deployment-controller");

        V1ManagedFieldsEntry entry = patched.Metadata.ManagedFields.Single(m => m.Manager == "deployment-controller");
        Assert.Equal(("Update", "status"), (entry.Operation, entry.Subresource));
        Assert.Equal(1, patched.Status.ReadyReplicas);
    }

    [Fact]
    public async Task Apply_Deployment_DefaultsFilledAndNotOwned()
    {
        V1Deployment created = await ApplyAsync(Deployment("default", "d", image: "slotgate:1.2"), "slotgate-controller");

        Assert.Equal("RollingUpdate", created.Spec.Strategy.Type);
        Assert.Equal("IfNotPresent", created.Spec.Template.Spec.Containers[0].ImagePullPolicy);
        Assert.Equal("Always", created.Spec.Template.Spec.RestartPolicy);
        Assert.Null(FieldsOf(created, "slotgate-controller")["f:spec"]!["f:strategy"]);
        V1Deployment again = await ApplyAsync(Deployment("default", "d", image: "slotgate:1.2"), "slotgate-controller");
        Assert.Equal(created.Metadata.ResourceVersion, again.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Apply_WithoutFieldManager_Returns400()
    {
        var (code, _) = await FailsAsync(() => Admin.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch(Deployment("default", "d").ToJsonString(), V1Patch.PatchType.ApplyPatch), "d", "default"));

        Assert.Equal(HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task Apply_YamlBody_IsAccepted()
    {
        const string Yaml = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: y
              namespace: default
            data:
              port: "7000"
            """;

        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Server.AdminToken);
        using var content = new StringContent(Yaml, System.Text.Encoding.UTF8, "application/apply-patch+yaml");

        using HttpResponseMessage response = await http.PatchAsync($"{Server.Host}/api/v1/namespaces/default/configmaps/y?fieldManager=m", content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("7000", (string?)Server.Get("v1", "ConfigMap", "default", "y")["data"]!["port"]);
    }

    [Fact]
    public async Task Apply_StatusOfGateway_OwnsOnlyStatusFields()
    {
        Server.InstallGatewayApiCrds();
        Server.Create(Gateway("default", "gw"));
        JsonObject status = Gateway("default", "gw");
        status["spec"]!["gatewayClassName"] = "ignored";
        status["status"] = new JsonObject { ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Accepted", ["status"] = "True" }) };

        JsonObject applied = Json(await Admin.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch(status.ToJsonString(), V1Patch.PatchType.ApplyPatch), Gw, "v1", "default", "gateways", "gw", fieldManager: "slotgate-controller"));

        Assert.Equal("slotgate", (string?)applied["spec"]!["gatewayClassName"]);
        Assert.Equal("Accepted", (string?)applied["status"]!["conditions"]![0]!["type"]);
        JsonObject entry = applied["metadata"]!["managedFields"]!.AsArray().OfType<JsonObject>().Single(m => (string?)m["manager"] == "slotgate-controller");
        Assert.Equal("status", (string?)entry["subresource"]);
        Assert.Null(entry["fieldsV1"]!["f:spec"]);
    }
}
