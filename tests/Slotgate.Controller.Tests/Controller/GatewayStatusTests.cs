using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Slotgate.Controller.Tests.Controller;

/// <summary>A Gateway's life as the API server records it: objects applied, Programmed on a ready pod, addresses kept.</summary>
public sealed class GatewayStatusTests(ITestOutputHelper output) : ControllerTest(output)
{
    [Fact]
    public async Task Gateway_DeploymentReportsReadyReplica_ProgrammedWithAddressAndRouteAccepted()
    {
        StartController();
        CreateScenario();

        await EventuallyAsync(() => Server.TryGet("apps/v1", "Deployment", "default", "redis-waypoint") is not null, "Deployment applied");
        await GatewayConditionAsync("Programmed", "False", "Pending");
        Assert.Equal("True", Summary(ConditionOf(GatewayObject()["status"], "Accepted")).Status);
        Assert.Null(GatewayObject()["status"]!["addresses"]);
        foreach (string kind in new[] { "ServiceAccount", "ConfigMap", "Service" })
        {
            Assert.NotNull(Server.TryGet(kind == "Deployment" ? "apps/v1" : "v1", kind, "default", "redis-waypoint"));
        }

        SetReadyReplicas("redis-waypoint", 1);

        await GatewayConditionAsync("Programmed", "True", "Programmed");
        JsonObject gateway = GatewayObject();
        JsonObject status = gateway["status"]!.AsObject();
        Assert.Equal("redis-waypoint.default.svc.cluster.local", (string?)status["addresses"]![0]!["value"]);
        long generation = Number(gateway["metadata"]!["generation"]);
        Assert.All(status["conditions"]!.AsArray(), c => Assert.Equal(generation, Number(c!["observedGeneration"])));
        JsonObject listener = status["listeners"]![0]!.AsObject();
        Assert.Equal(1, Number(listener["attachedRoutes"]));
        Assert.Equal("TCPRoute", (string?)listener["supportedKinds"]![0]!["kind"]);
        Assert.Equal(["Accepted", "Programmed", "ResolvedRefs", "Conflicted"], listener["conditions"]!.AsArray().Select(c => (string?)c!["type"]));
        JsonObject parent = RouteObject()["status"]!["parents"]![0]!.AsObject();
        Assert.Equal("slotgate.io/gateway-controller", (string?)parent["controllerName"]);
        Assert.Equal(("True", "Accepted"), (Summary(ConditionOf(parent, "Accepted")).Status, Summary(ConditionOf(parent, "Accepted")).Reason));
        Assert.Equal("True", Summary(ConditionOf(parent, "ResolvedRefs")).Status);
        await EventuallyAsync(() => EventsAbout("Gateway", "redis-waypoint").Any(e => (string?)e["reason"] == "Programmed"), "a Programmed Event");

        // Status writes settle: reconciling its own writes changes nothing more.
        int writes = Server.Requests.Count(r => r.User == ControllerUser && r.Subresource == "status");
        await Task.Delay(700);
        Assert.Equal(writes, Server.Requests.Count(r => r.User == ControllerUser && r.Subresource == "status"));
        Assert.Empty(Forbidden());
    }

    [Fact]
    public async Task Gateway_ReadyReplicasDropToZero_AddressKept()
    {
        StartController();
        CreateScenario();
        await EventuallyAsync(() => Server.TryGet("apps/v1", "Deployment", "default", "redis-waypoint") is not null, "Deployment applied");
        SetReadyReplicas("redis-waypoint", 1);
        await GatewayConditionAsync("Programmed", "True");

        SetReadyReplicas("redis-waypoint", 0);

        await GatewayConditionAsync("Programmed", "False", "Pending");
        Assert.Equal("redis-waypoint.default.svc.cluster.local", (string?)GatewayObject()["status"]!["addresses"]![0]!["value"]);
    }

    [Fact]
    public async Task Parameters_Changed_ConfigHashChangesSoPodsRoll()
    {
        StartController();
        CreateScenario();
        await EventuallyAsync(() => Server.TryGet("apps/v1", "Deployment", "default", "redis-waypoint") is not null, "Deployment applied");
        string Hash() => (string)Server.Get("apps/v1", "Deployment", "default", "redis-waypoint")["spec"]!["template"]!["metadata"]!["annotations"]!["slotgate.io/config-hash"]!;
        string before = Hash();
        JsonObject container = Server.Get("apps/v1", "Deployment", "default", "redis-waypoint")["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();
        Assert.Null(container["lifecycle"]);
        Assert.Equal("5s", (string?)container["env"]!.AsArray().Single(e => (string?)e!["name"] == "SLOTGATE_SHUTDOWN__DRAINDELAY")!["value"]);

        Server.Modify("v1", "ConfigMap", "slotgate-system", "slotgate-parameters", m => m["data"]!["settings.logging.logLevel"] = "Debug");

        await EventuallyAsync(() => Hash() != before, "the pod template's config hash changes");
        JsonObject deployment = Server.Get("apps/v1", "Deployment", "default", "redis-waypoint");
        Assert.Equal("0", deployment["spec"]!["strategy"]!["rollingUpdate"]!["maxUnavailable"]!.ToString());
        Assert.Contains(deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray(),
            e => (string?)e!["name"] == "SLOTGATE_LOGGING__LOGLEVEL" && (string?)e["value"] == "Debug");
    }

    [Fact]
    public async Task InboundBindingProxy_AnnotationAppliedThenGivenUp()
    {
        StartController();
        CreateScenario();
        Server.Modify("v1", "ConfigMap", "slotgate-system", "slotgate-parameters", m => m["data"]!["inboundBinding"] = "PROXY");

        await EventuallyAsync(() => (string?)GatewayObject()["metadata"]!["annotations"]?["ambient.istio.io/waypoint-inbound-binding"] == "PROXY/15088",
            "the Gateway annotated PROXY/15088");
        await EventuallyAsync(() => Server.Get("v1", "Service", "default", "redis-waypoint")["spec"]!["ports"]!.AsArray().Any(p => Number(p!["port"]) == 15088),
            "Service port 15088");
        Assert.Contains("proxyProtocol", (string)Server.Get("v1", "ConfigMap", "default", "redis-waypoint")["data"]!["slotgate.yaml"]!, StringComparison.Ordinal);

        Server.Modify("v1", "ConfigMap", "slotgate-system", "slotgate-parameters", m => m["data"]!["inboundBinding"] = "none");

        await EventuallyAsync(() => GatewayObject()["metadata"]!["annotations"]?["ambient.istio.io/waypoint-inbound-binding"] is null,
            "the annotation removed");
        await EventuallyAsync(() => !Server.Get("v1", "Service", "default", "redis-waypoint")["spec"]!["ports"]!.AsArray().Any(p => Number(p!["port"]) == 15088),
            "Service port 15088 removed");
        // The Gateway's spec is untouched by the annotation's applies.
        Assert.Equal("All", (string?)GatewayObject()["spec"]!["listeners"]![0]!["allowedRoutes"]!["namespaces"]!["from"]);
    }

    [Fact]
    public async Task Gateway_TcpAndHttpListenersShareAPort_BothConflictedTheDistinctOneServed()
    {
        StartController();
        CreateScenario();
        Server.Modify(Gw + "/v1", "Gateway", "default", "redis-waypoint", g =>
        {
            JsonArray listeners = g["spec"]!["listeners"]!.AsArray();
            listeners.Add(new JsonObject { ["name"] = "tcp-shared", ["port"] = 7001, ["protocol"] = "TCP" });
            listeners.Add(new JsonObject { ["name"] = "web", ["port"] = 7001, ["protocol"] = "HTTP" });
        });

        await EventuallyAsync(() => GatewayObject()["status"]?["listeners"]?.AsArray().Count == 3, "three listener statuses");
        await GatewayConditionAsync("Accepted", "True", "ListenersNotValid");
        JsonArray statuses = GatewayObject()["status"]!["listeners"]!.AsArray();
        foreach (string name in new[] { "tcp-shared", "web" })
        {
            JsonNode listener = statuses.Single(l => (string?)l!["name"] == name)!;
            Assert.Equal(("True", "ProtocolConflict"), (Summary(ConditionOf(listener, "Conflicted")).Status, Summary(ConditionOf(listener, "Conflicted")).Reason));
            Assert.Equal("False", Summary(ConditionOf(listener, "Accepted")).Status);
        }
        Assert.Equal("False", Summary(ConditionOf(statuses.Single(l => (string?)l!["name"] == "redis"), "Conflicted")).Status);
        Assert.Contains("tcp-shared (ProtocolConflict)", Summary(ConditionOf(GatewayObject()["status"], "Accepted")).Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Server.Get("v1", "Service", "default", "redis-waypoint")["spec"]!["ports"]!.AsArray(), p => Number(p!["port"]) == 7001);
    }
}
