using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Slotgate.Controller.Tests.ApiServerTests;

/// <summary>Objects through the real KubernetesClient: server metadata, resourceVersion and conflicts, generation, the status subresource.</summary>
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
