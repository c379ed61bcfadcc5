using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Slotgate.Controller.Tests.ApiServer;
using Slotgate.Tests.Kubernetes;
using Slotgate.Tests.Support;

namespace Slotgate.Controller.Tests.ApiServerTests;

/// <summary>Authentication and RBAC authorization from the roles stored in the server.</summary>
public sealed class RbacTests : ServerTest
{
    private const string User = "system:serviceaccount:apps:worker";

    private void Bind(string kind, string? ns, JsonArray rules, string? roleKind = null)
    {
        bool cluster = kind == "ClusterRoleBinding";
        string role = roleKind ?? (cluster ? "ClusterRole" : "Role");
        var roleMetadata = new JsonObject { ["name"] = "r" };
        if (role == "Role")
        {
            roleMetadata["namespace"] = ns;
        }
        if (Server.TryGet("rbac.authorization.k8s.io/v1", role, role == "Role" ? ns : null, "r") is null)
        {
            Server.Create(new JsonObject { ["apiVersion"] = "rbac.authorization.k8s.io/v1", ["kind"] = role, ["metadata"] = roleMetadata, ["rules"] = rules });
        }
        var metadata = new JsonObject { ["name"] = "b" };
        if (!cluster)
        {
            metadata["namespace"] = ns;
        }
        Server.Create(new JsonObject
        {
            ["apiVersion"] = "rbac.authorization.k8s.io/v1",
            ["kind"] = kind,
            ["metadata"] = metadata,
            ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = role, ["name"] = "r" },
            ["subjects"] = new JsonArray(new JsonObject { ["kind"] = "ServiceAccount", ["name"] = "worker", ["namespace"] = "apps" }),
        });
    }

    private static JsonObject Rule(string group, string[] resources, string[] verbs, string[]? names = null)
    {
        var rule = new JsonObject
        {
            ["apiGroups"] = new JsonArray(group),
            ["resources"] = new JsonArray(resources.Select(r => (JsonNode?)r).ToArray()),
            ["verbs"] = new JsonArray(verbs.Select(v => (JsonNode?)v).ToArray()),
        };
        if (names is not null)
        {
            rule["resourceNames"] = new JsonArray(names.Select(n => (JsonNode?)n).ToArray());
        }
        return rule;
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Server.CreateNamespace("apps");
        Server.CreateNamespace("other");
    }

    [Fact]
    public async Task Request_UnknownToken_Returns401()
    {
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = Server.Host, AccessToken = "forged" });

        var (code, status) = await FailsAsync(() => client.CoreV1.ListNamespaceAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, code);
        Assert.Equal("Unauthorized", (string?)status["reason"]);
        Assert.Contains(Server.Requests, r => r is { Verb: "list", Resource: "namespaces", User: "system:anonymous", Code: 401 });
    }

    [Fact]
    public async Task Request_NoBinding_Returns403WithTheRealMessage()
    {
        using IKubernetes client = Server.ClientFor("apps", "worker");

        var (code, status) = await FailsAsync(() => client.CoreV1.ListNamespacedConfigMapAsync("apps"));
        var (_, clusterStatus) = await FailsAsync(() => client.CoreV1.ListNamespaceAsync());

        Assert.Equal(HttpStatusCode.Forbidden, code);
        Assert.Equal("Forbidden", (string?)status["reason"]);
        Assert.Equal($"configmaps is forbidden: User \"{User}\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"apps\"", (string?)status["message"]);
        Assert.Equal($"namespaces is forbidden: User \"{User}\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope", (string?)clusterStatus["message"]);
    }

    [Fact]
    public async Task ClusterRole_StatusSubresourceOnly_AllowsStatusPatchDeniesMainPatch()
    {
        Server.InstallGatewayApiCrds();
        Server.Create(Gateway("apps", "gw"));
        Bind("ClusterRoleBinding", null, [Rule(Gw, ["gateways/status"], ["patch"]), Rule(Gw, ["gateways"], ["list", "watch"])]);
        using IKubernetes client = Server.ClientFor("apps", "worker");
        var patch = new V1Patch("""{"status":{"conditions":[]}}""", V1Patch.PatchType.MergePatch);

        await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(patch, Gw, "v1", "apps", "gateways", "gw");
        await client.CustomObjects.ListClusterCustomObjectAsync(Gw, "v1", "gateways");
        var (code, status) = await FailsAsync(() => client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, Gw, "v1", "apps", "gateways", "gw"));
        var (_, getStatus) = await FailsAsync(() => client.CustomObjects.GetNamespacedCustomObjectStatusAsync(Gw, "v1", "apps", "gateways", "gw"));

        Assert.Equal(HttpStatusCode.Forbidden, code);
        Assert.Equal(
            $"gateways.gateway.networking.k8s.io \"gw\" is forbidden: User \"{User}\" cannot patch resource \"gateways\" in API group \"gateway.networking.k8s.io\" in the namespace \"apps\"",
            (string?)status["message"]);
        Assert.Equal(
            $"gateways.gateway.networking.k8s.io \"gw\" is forbidden: User \"{User}\" cannot get resource \"gateways/status\" in API group \"gateway.networking.k8s.io\" in the namespace \"apps\"",
            (string?)getStatus["message"]);
    }

    [Theory]
    [InlineData("Role", "*")]
    [InlineData("ClusterRole", "get")]
    public async Task RoleBinding_ToRoleOrClusterRole_GrantsOnlyInItsNamespace(string roleKind, string verb)
    {
        Bind("RoleBinding", "apps", [Rule("", ["configmaps"], [verb])], roleKind: roleKind);
        Server.Create(ConfigMap("apps", "a"));
        Server.Create(ConfigMap("other", "a"));
        using IKubernetes client = Server.ClientFor("apps", "worker");

        await client.CoreV1.ReadNamespacedConfigMapAsync("a", "apps");
        var (code, _) = await FailsAsync(() => client.CoreV1.ReadNamespacedConfigMapAsync("a", "other"));

        Assert.Equal(HttpStatusCode.Forbidden, code);
    }

    [Fact]
    public async Task Rule_ResourceNames_AllowsOnlyThoseObjects()
    {
        Bind("RoleBinding", "apps", [Rule("coordination.k8s.io", ["leases"], ["get", "update"], ["slotgate-controller"])]);
        Server.Create(new JsonObject { ["apiVersion"] = "coordination.k8s.io/v1", ["kind"] = "Lease", ["metadata"] = new JsonObject { ["name"] = "slotgate-controller", ["namespace"] = "apps" } });
        Server.Create(new JsonObject { ["apiVersion"] = "coordination.k8s.io/v1", ["kind"] = "Lease", ["metadata"] = new JsonObject { ["name"] = "other", ["namespace"] = "apps" } });
        using IKubernetes client = Server.ClientFor("apps", "worker");

        await client.CoordinationV1.ReadNamespacedLeaseAsync("slotgate-controller", "apps");
        var (code, _) = await FailsAsync(() => client.CoordinationV1.ReadNamespacedLeaseAsync("other", "apps"));
        var (listCode, _) = await FailsAsync(() => client.CoordinationV1.ListNamespacedLeaseAsync("apps"));

        Assert.Equal(HttpStatusCode.Forbidden, code);
        Assert.Equal(HttpStatusCode.Forbidden, listCode);
    }

    [Fact]
    public async Task Apply_CreatingWithPatchButNotCreate_Returns403ForCreate()
    {
        Bind("RoleBinding", "apps", [Rule("", ["configmaps"], ["patch"])]);
        using IKubernetes client = Server.ClientFor("apps", "worker");
        var apply = new V1Patch(ConfigMap("apps", "c").ToJsonString(), V1Patch.PatchType.ApplyPatch);

        var (code, status) = await FailsAsync(() => client.CoreV1.PatchNamespacedConfigMapAsync(apply, "c", "apps", fieldManager: "m"));
        Server.Create(ConfigMap("apps", "c"));
        await client.CoreV1.PatchNamespacedConfigMapAsync(apply, "c", "apps", fieldManager: "m");

        Assert.Equal(HttpStatusCode.Forbidden, code);
        Assert.Contains("cannot create resource \"configmaps\"", (string?)status["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShippedClusterRole_ControllerServiceAccount_MayPatchGatewayStatusButNotDeleteGateways()
    {
        Server.InstallGatewayApiCrds();
        Server.CreateAll(Kustomize.Render("controller").Select(YamlBody.ToJsonObject));
        Server.Create(Gateway("apps", "gw"));
        using IKubernetes client = Server.ClientFor("slotgate-system", "slotgate-controller");

        await client.CustomObjects.ListClusterCustomObjectAsync(Gw, "v1", "gateways");
        await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch("""{"status":{"conditions":[]}}""", V1Patch.PatchType.MergePatch), Gw, "v1", "apps", "gateways", "gw");
        var (code, status) = await FailsAsync(() => client.CustomObjects.DeleteNamespacedCustomObjectAsync(Gw, "v1", "apps", "gateways", "gw"));

        Assert.Equal(HttpStatusCode.Forbidden, code);
        Assert.Equal(
            "gateways.gateway.networking.k8s.io \"gw\" is forbidden: User \"system:serviceaccount:slotgate-system:slotgate-controller\" cannot delete resource \"gateways\" in API group \"gateway.networking.k8s.io\" in the namespace \"apps\"",
            (string?)status["message"]);
    }

    [Fact]
    public async Task Requests_AuditList_RecordsVerbResourceUserAndCode()
    {
        using IKubernetes client = Server.ClientFor("apps", "worker");
        Server.ClearRequests();

        await FailsAsync(() => client.CoreV1.ListNamespacedConfigMapAsync("apps"));
        await Admin.CoreV1.ReadNamespaceAsync("apps");

        Assert.Collection(
            Server.Requests,
            r => Assert.Equal(("list", "configmaps", "apps", User, 403), (r.Verb, r.Resource, r.Namespace, r.User, r.Code)),
            r => Assert.Equal(("get", "namespaces", "apps", "test-admin", 200), (r.Verb, r.Resource, r.Name, r.User, r.Code)));
    }
}
