using k8s;
using Slotgate.Controller.Kubernetes;

namespace Slotgate.Controller.Tests.Kubernetes;

/// <summary>One pass of the API-server loop against <see cref="FakeApiServer"/>: the URLs, patch types and bodies it sends.</summary>
public sealed class ControllerLoopTests
{
    private const string Gw = "/apis/gateway.networking.k8s.io";

    private static Dictionary<string, string> CommonScenario(int readyReplicas) => new()
    {
        [Gw + "/v1/gatewayclasses"] = """
            {"items":[{"metadata":{"name":"slotgate","generation":1},"spec":{"controllerName":"slotgate.io/gateway-controller"}},
                      {"metadata":{"name":"eg-waypoint","generation":1},"spec":{"controllerName":"gateway.envoyproxy.io/gatewayclass-controller"}}]}
            """,
        [Gw + "/v1/gateways"] = """
            {"items":[{"metadata":{"name":"redis-waypoint","namespace":"default","uid":"u-1","generation":1},
                       "spec":{"gatewayClassName":"slotgate","listeners":[{"name":"redis","port":7000,"protocol":"TCP","allowedRoutes":{"namespaces":{"from":"All"}}}]}}]}
            """,
        [Gw + "/v1alpha2/tcproutes"] = """
            {"items":[{"metadata":{"name":"redis","namespace":"default","generation":1},
                       "spec":{"parentRefs":[{"name":"redis-waypoint"}],"rules":[{"backendRefs":[{"name":"redis","namespace":"external-redis","port":7000}]}]}}]}
            """,
        [Gw + "/v1beta1/referencegrants"] = """
            {"items":[{"metadata":{"name":"g","namespace":"external-redis"},
                       "spec":{"from":[{"group":"gateway.networking.k8s.io","kind":"TCPRoute","namespace":"default"}],"to":[{"group":"","kind":"Service"}]}}]}
            """,
        ["/api/v1/services"] = """
            {"items":[{"metadata":{"name":"redis","namespace":"external-redis"},"spec":{"ports":[{"port":7000}]}},
                      {"metadata":{"name":"redis","namespace":"default","labels":{"istio.io/use-waypoint":"redis-waypoint"}},"spec":{"ports":[{"port":7000}]}}]}
            """,
        ["/api/v1/namespaces"] = """{"items":[{"metadata":{"name":"default"}},{"metadata":{"name":"external-redis"}}]}""",
        ["/apis/apps/v1/deployments"] =
            """{"items":[{"metadata":{"name":"redis-waypoint","namespace":"default"},"status":{"readyReplicas":"""
            + readyReplicas + "}}]}",
    };

    private static async Task<FakeApiServer> RunPassAsync(int readyReplicas)
    {
        var server = new FakeApiServer(CommonScenario(readyReplicas));
        using var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = server.BaseAddress });
        await new ControllerLoop(client, TimeSpan.FromSeconds(5), TextWriter.Null).PassAsync(CancellationToken.None);
        return server;
    }

    [Fact]
    public async Task PassAsync_CommonScenario_AppliesFourOwnedObjectsServerSide()
    {
        using FakeApiServer server = await RunPassAsync(readyReplicas: 1);

        Assert.Empty(server.Unanswered);
        var applies = server.Patches.Where(p => p.ContentType.StartsWith("application/apply-patch", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            ["/api/v1/namespaces/default/configmaps/redis-waypoint", "/api/v1/namespaces/default/serviceaccounts/redis-waypoint",
             "/api/v1/namespaces/default/services/redis-waypoint", "/apis/apps/v1/namespaces/default/deployments/redis-waypoint"],
            applies.Select(a => a.Path).Order(StringComparer.Ordinal));
        Assert.All(applies, a => Assert.Contains("fieldManager=slotgate-controller", a.Query, StringComparison.Ordinal));
        Assert.All(applies, a => Assert.Contains("force=true", a.Query, StringComparison.Ordinal));
        string service = applies.Single(a => a.Path.EndsWith("/services/redis-waypoint", StringComparison.Ordinal)).Body;
        Assert.Contains("15008", service, StringComparison.Ordinal);
        string deployment = applies.Single(a => a.Path.Contains("/deployments/", StringComparison.Ordinal)).Body;
        Assert.Contains("\"gateway.networking.k8s.io/gateway-name\":\"redis-waypoint\"", deployment, StringComparison.Ordinal);
        Assert.Contains("\"ownerReferences\"", deployment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PassAsync_PodReady_MergePatchesStatusOfClassGatewayAndRouteOnly()
    {
        using FakeApiServer server = await RunPassAsync(readyReplicas: 1);

        var statuses = server.Patches.Where(p => p.Path.EndsWith("/status", StringComparison.Ordinal)).ToList();
        Assert.All(statuses, s => Assert.StartsWith("application/merge-patch+json", s.ContentType, StringComparison.Ordinal));
        Assert.Equal(
            [Gw + "/v1/gatewayclasses/slotgate/status", Gw + "/v1/namespaces/default/gateways/redis-waypoint/status",
             Gw + "/v1alpha2/namespaces/default/tcproutes/redis/status"],
            statuses.Select(s => s.Path).Order(StringComparer.Ordinal));
        string gateway = statuses.Single(s => s.Path.Contains("/gateways/", StringComparison.Ordinal)).Body;
        Assert.Contains("\"value\":\"redis-waypoint.default.svc.cluster.local\"", gateway, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Patches, p => p.Path.Contains("eg-waypoint", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PassAsync_NoPodReady_GatewayStatusHasNoAddress()
    {
        using FakeApiServer server = await RunPassAsync(readyReplicas: 0);

        string gateway = server.Patches.Single(s => s.Path.EndsWith("/gateways/redis-waypoint/status", StringComparison.Ordinal)).Body;
        Assert.Contains("\"addresses\":[]", gateway, StringComparison.Ordinal);
        Assert.Contains("\"reason\":\"Pending\"", gateway, StringComparison.Ordinal);
    }
}
