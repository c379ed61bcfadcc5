using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Slotgate.Controller.Tests.ApiServerTests;

/// <summary>Patches and lists through the real KubernetesClient: the three patch formats, selectors, paging.</summary>
public sealed class PatchAndListTests : ServerTest
{
    /// <summary>A strategic merge patch merges the containers list by name; a merge patch replaces the whole list.</summary>
    [Theory]
    [InlineData(V1Patch.PatchType.StrategicMergePatch, "slotgate:2,side:1")]
    [InlineData(V1Patch.PatchType.MergePatch, "slotgate:2")]
    public async Task Patch_OnContainers_MergesByNameOrReplacesTheListAsTheFormatSays(V1Patch.PatchType format, string images)
    {
        JsonObject deployment = Deployment("default", "d");
        ((JsonArray)deployment["spec"]!["template"]!["spec"]!["containers"]!).Add(new JsonObject { ["name"] = "sidecar", ["image"] = "side:1" });
        Server.Create(deployment);
        const string Patch = """{"spec":{"template":{"spec":{"containers":[{"name":"slotgate","image":"slotgate:2"}]}}}}""";

        var patched = await Admin.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(Patch, format), "d", "default");

        Assert.Equal(images.Split(','), patched.Spec.Template.Spec.Containers.Select(c => c.Image));
        Assert.Equal(2, patched.Metadata.Generation);
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
}
