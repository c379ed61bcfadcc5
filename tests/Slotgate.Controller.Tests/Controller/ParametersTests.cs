using Xunit.Abstractions;

namespace Slotgate.Controller.Tests.Controller;

public sealed class ParametersTests(ITestOutputHelper output) : ControllerTest(output)
{
    [Fact]
    public async Task GatewayClass_ParametersRefToMissingConfigMap_InvalidParametersOnClassAndGatewayWithEvent()
    {
        StartController();
        CreateScenario();
        await EventuallyAsync(() => Server.TryGet("apps/v1", "Deployment", "default", "redis-waypoint") is not null, "Deployment applied");

        Server.Modify(Gw + "/v1", "GatewayClass", null, "slotgate", c => c["spec"]!["parametersRef"]!["name"] = "no-such-parameters");

        await EventuallyAsync(() => Summary(ConditionOf(Server.Get(Gw + "/v1", "GatewayClass", null, "slotgate")["status"], "Accepted")).Reason == "InvalidParameters",
            "GatewayClass Accepted False InvalidParameters");
        var classAccepted = Summary(ConditionOf(Server.Get(Gw + "/v1", "GatewayClass", null, "slotgate")["status"], "Accepted"));
        Assert.Equal(("False", "ConfigMap slotgate-system/no-such-parameters not found"), (classAccepted.Status, classAccepted.Message));
        Assert.Equal(2, Number(ConditionOf(Server.Get(Gw + "/v1", "GatewayClass", null, "slotgate")["status"], "Accepted")!["observedGeneration"]));
        await GatewayConditionAsync("Accepted", "False", "InvalidParameters");
        await GatewayConditionAsync("Programmed", "False", "Invalid");
        // The running waypoint is left alone: still two replicas, same pod template.
        Assert.Equal(2, Number(Server.Get("apps/v1", "Deployment", "default", "redis-waypoint")["spec"]!["replicas"]));
        await EventuallyAsync(() => EventsAbout("GatewayClass", "slotgate").Any(e => (string?)e["type"] == "Warning" && (string?)e["reason"] == "InvalidParameters"),
            "a Warning Event on the GatewayClass");

        // One Event per change, not one per retry or per reconcile.
        await Task.Delay(500);
        Assert.Single(EventsAbout("GatewayClass", "slotgate"), e => (string?)e["reason"] == "InvalidParameters");

        Server.Create(ConfigMapOf("slotgate-system", "no-such-parameters", ("replicas", "1")));

        await EventuallyAsync(() => Summary(ConditionOf(Server.Get(Gw + "/v1", "GatewayClass", null, "slotgate")["status"], "Accepted")).Status == "True",
            "Accepted again once the ConfigMap exists");
        await GatewayConditionAsync("Accepted", "True");
    }

    [Fact]
    public async Task Parameters_InvalidValue_InvalidParametersNamingTheKey()
    {
        StartController();
        Server.Modify("v1", "ConfigMap", "slotgate-system", "slotgate-parameters", m => m["data"]!["drainDelay"] = "soon");

        await EventuallyAsync(() => Summary(ConditionOf(Server.Get(Gw + "/v1", "GatewayClass", null, "slotgate")["status"], "Accepted")).Reason == "InvalidParameters",
            "InvalidParameters");
        Assert.Contains("drainDelay: 'soon'", Summary(ConditionOf(Server.Get(Gw + "/v1", "GatewayClass", null, "slotgate")["status"], "Accepted")).Message,
            StringComparison.Ordinal);
    }

    private static System.Text.Json.Nodes.JsonObject ConfigMapOf(string ns, string name, params (string Key, string Value)[] data) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = name, ["namespace"] = ns },
        ["data"] = new System.Text.Json.Nodes.JsonObject(data.Select(d => new KeyValuePair<string, System.Text.Json.Nodes.JsonNode?>(d.Key, d.Value))),
    };
}
