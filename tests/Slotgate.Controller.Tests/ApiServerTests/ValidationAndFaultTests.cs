using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Slotgate.Controller.Tests.ApiServer;

namespace Slotgate.Controller.Tests.ApiServerTests;

/// <summary>The validation hook (422 Invalid) and injected failures.</summary>
public sealed class ValidationAndFaultTests : ServerTest
{
    protected override TestApiServerOptions Options => new()
    {
        Validate = (obj, old) => (string?)obj["kind"] == "Deployment" && obj["spec"]?["template"]?["spec"]?["containers"]?[0]?["lifecycle"] is not null
            ? [".spec.template.spec.containers[name=\"slotgate\"].lifecycle.preStop.sleep: field not declared in schema"]
            : [],
    };

    [Fact]
    public async Task Apply_ObjectTheValidatorRejects_Returns422WithCauses()
    {
        JsonObject deployment = Deployment("default", "d");
        deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["lifecycle"] = new JsonObject { ["preStop"] = new JsonObject { ["sleep"] = new JsonObject { ["seconds"] = 5 } } };

        var (code, status) = await FailsAsync(() => Admin.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch(deployment.ToJsonString(), V1Patch.PatchType.ApplyPatch), "d", "default", fieldManager: "slotgate-controller", force: true));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.Equal("Invalid", (string?)status["reason"]);
        Assert.Equal(
            "Deployment.apps \"d\" is invalid: .spec.template.spec.containers[name=\"slotgate\"].lifecycle.preStop.sleep: field not declared in schema",
            (string?)status["message"]);
        Assert.Equal(".spec.template.spec.containers[name=\"slotgate\"].lifecycle.preStop.sleep", (string?)status["details"]!["causes"]![0]!["field"]);
        Assert.Null(Server.TryGet("apps/v1", "Deployment", "default", "d"));
    }

    [Fact]
    public async Task Create_InvalidNameAndLabelValue_Returns422ListingBoth()
    {
        JsonObject map = ConfigMap("default", "Not_Valid");
        map["metadata"]!["labels"] = new JsonObject { ["gateway.networking.k8s.io/gateway-name"] = new string('g', 64) };

        var (code, status) = await FailsAsync(() => Admin.CoreV1.CreateNamespacedConfigMapAsync(k8s.KubernetesJson.Deserialize<V1ConfigMap>(map.ToJsonString()), "default"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        string message = (string)status["message"]!;
        Assert.StartsWith("ConfigMap \"Not_Valid\" is invalid: [metadata.name: Invalid value: \"Not_Valid\": a lowercase RFC 1123 subdomain", message, StringComparison.Ordinal);
        Assert.Contains($"metadata.labels: Invalid value: \"{new string('g', 64)}\": must be no more than 63 characters", message, StringComparison.Ordinal);
        Assert.Equal(2, status["details"]!["causes"]!.AsArray().Count);
    }

    [Fact]
    public async Task Apply_DeploymentSelectorChanged_Returns422FieldIsImmutable()
    {
        await Admin.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch(Deployment("default", "d").ToJsonString(), V1Patch.PatchType.ApplyPatch), "d", "default", fieldManager: "m");
        JsonObject changed = Deployment("default", "d");
        changed["spec"]!["selector"]!["matchLabels"]!["extra"] = "x";
        changed["spec"]!["template"]!["metadata"]!["labels"]!["extra"] = "x";

        var (code, status) = await FailsAsync(() => Admin.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch(changed.ToJsonString(), V1Patch.PatchType.ApplyPatch), "d", "default", fieldManager: "m"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, code);
        Assert.EndsWith(": field is immutable", (string?)status["message"], StringComparison.Ordinal);
        Assert.StartsWith("Deployment.apps \"d\" is invalid: spec.selector: Invalid value: ", (string?)status["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task DelayRequests_Matching_HoldsOnlyThoseUntilDisposed()
    {
        using (Server.DelayRequests(r => r is { Resource: "configmaps", Verb: "get" }, TimeSpan.FromSeconds(1)))
        {
            Server.Create(ConfigMap("default", "a"));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await Admin.CoreV1.ListNamespacedConfigMapAsync("default");
            TimeSpan list = clock.Elapsed;
            clock.Restart();
            await Admin.CoreV1.ReadNamespacedConfigMapAsync("a", "default");

            Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1), $"get took {clock.Elapsed}");
            Assert.True(list < TimeSpan.FromSeconds(1), $"list took {list}");
        }
    }

    [Fact]
    public async Task FailRequests_MatchingOneObject_FailsOnlyThatUntilDisposed()
    {
        using (Server.FailRequests(r => r is { Resource: "deployments", Verb: "patch", Name: "bad" }, 500, "etcdserver: request timed out"))
        {
            var (code, status) = await FailsAsync(() => Admin.AppsV1.PatchNamespacedDeploymentAsync(
                new V1Patch(Deployment("default", "bad").ToJsonString(), V1Patch.PatchType.ApplyPatch), "bad", "default", fieldManager: "m"));
            await Admin.AppsV1.PatchNamespacedDeploymentAsync(
                new V1Patch(Deployment("default", "good").ToJsonString(), V1Patch.PatchType.ApplyPatch), "good", "default", fieldManager: "m");

            Assert.Equal(HttpStatusCode.InternalServerError, code);
            Assert.Equal("InternalError", (string?)status["reason"]);
            Assert.Equal("etcdserver: request timed out", (string?)status["message"]);
        }
        await Admin.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch(Deployment("default", "bad").ToJsonString(), V1Patch.PatchType.ApplyPatch), "bad", "default", fieldManager: "m");

        Assert.Contains(Server.Requests, r => r is { Name: "bad", Code: 500, PatchType: "apply", FieldManager: "m" });
        Assert.Contains(Server.Requests, r => r is { Name: "bad", Code: 201 });
    }
}
