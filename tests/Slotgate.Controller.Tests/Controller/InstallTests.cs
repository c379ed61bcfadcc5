using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace Slotgate.Controller.Tests.Controller;

public sealed class InstallTests(ITestOutputHelper output) : ControllerTest(output)
{
    [Fact]
    public async Task Install_FromDeploy_ClassAcceptedAndSupportedVersionWithoutAnyForbiddenCall()
    {
        StartController();

        await EventuallyAsync(() => Summary(ConditionOf(Server.Get(Gw + "/v1", "GatewayClass", null, "slotgate")["status"], "Accepted")).Status == "True",
            "GatewayClass slotgate Accepted");
        JsonObject status = Server.Get(Gw + "/v1", "GatewayClass", null, "slotgate")["status"]!.AsObject();
        var supported = Summary(ConditionOf(status, "SupportedVersion"));
        Assert.Equal(("True", "SupportedVersion"), (supported.Status, supported.Reason));
        Assert.Contains("v1.4.1", supported.Message, StringComparison.Ordinal);
        Assert.All(status["conditions"]!.AsArray(), c => Assert.Equal(1, Number(c!["observedGeneration"])));
        Assert.Empty(Forbidden());
        // It watches: lists once per kind, then keeps watch streams open.
        Assert.Contains(Server.Requests, r => r.User == ControllerUser && r.Verb == "watch" && r.Resource == "gateways");
        Assert.True(Server.OpenWatches >= 7, $"open watches: {Server.OpenWatches}");
    }

    [Fact]
    public async Task Install_WithoutTcpRouteCrd_GatewaysStillReconciled()
    {
        Server.Delete("apiextensions.k8s.io/v1", "CustomResourceDefinition", null, "tcproutes.gateway.networking.k8s.io");
        StartController();

        Server.Create(Gateway("default", "redis-waypoint"));

        await GatewayConditionAsync("Programmed", "False", "Pending");
        Assert.Contains("no attached TCPRoute", Summary(ConditionOf(GatewayObject()["status"], "Programmed")).Message, StringComparison.Ordinal);
    }
}
