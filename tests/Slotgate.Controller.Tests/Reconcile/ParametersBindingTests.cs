using Slotgate.Controller.Model;
using Slotgate.Controller.Reconcile;
using Slotgate.Tests.Kubernetes;
using Slotgate.Tests.Support;

namespace Slotgate.Controller.Tests.Reconcile;

/// <summary>The parameters that shape the pods beyond image and replicas: inboundBinding, drainDelay, trustedProxies.</summary>
public sealed class ParametersBindingTests
{
    private static GatewayPlan Plan(Dictionary<string, string> data) => Assert.Single(new Reconciler().Reconcile(Scenario.WithParameters(data)).Gateways);

    [Fact]
    public void Reconcile_InboundBindingProxy_AnnotationListenerAndPorts()
    {
        GatewayPlan plan = Plan(new() { ["inboundBinding"] = "PROXY", ["trustedProxies"] = "127.0.0.0/8, 10.244.0.0/16" });
        var config = Yaml.LoadMapping(plan.ConfigMap.Data["slotgate.yaml"]);
        var container = Assert.Single(plan.Deployment.Spec.Template.Spec.Containers);

        Assert.Equal("PROXY/15088", plan.InboundBindingAnnotation);
        Assert.Equal(["0.0.0.0:15088"], config.Items("proxyProtocol.listen").Select(l => l.ToString()));
        Assert.Equal(["127.0.0.0/8", "10.244.0.0/16"], config.Items("proxyProtocol.trustedProxies").Select(l => l.ToString()));
        Assert.Contains(container.Ports, p => p.ContainerPort == 15088);
        Assert.Contains(plan.Service.Spec.Ports, p => p.Port == 15088 && p.TargetPort.Value == "15088");
        // Still a sandwich: the pods stay enrolled in ambient.
        Assert.Equal("ambient", plan.Deployment.Spec.Template.Metadata.Labels["istio.io/dataplane-mode"]);
    }

    [Fact]
    public void Reconcile_InboundBindingProxyWithoutTrustedProxies_LoopbackOnly()
    {
        var config = Yaml.LoadMapping(Plan(new() { ["inboundBinding"] = "PROXY" }).ConfigMap.Data["slotgate.yaml"]);

        Assert.Equal(["127.0.0.0/8", "::1/128"], config.Items("proxyProtocol.trustedProxies").Select(l => l.ToString()));
    }

    [Fact]
    public void Reconcile_DefaultBinding_PlainSandwichWithoutProxyListener()
    {
        GatewayPlan plan = Plan(new());

        Assert.Null(plan.InboundBindingAnnotation);
        Assert.DoesNotContain("proxyProtocol", plan.ConfigMap.Data["slotgate.yaml"], StringComparison.Ordinal);
        Assert.DoesNotContain(plan.Service.Spec.Ports, p => p.Port == 15088);
        Assert.Equal("ambient", plan.Deployment.Spec.Template.Metadata.Labels["istio.io/dataplane-mode"]);
    }

    [Fact]
    public void Reconcile_DrainDelay_EnvironmentAndGracePeriodFollow()
    {
        var pod = Plan(new() { ["drainDelay"] = "20s", ["settings.shutdown.drainTimeout"] = "30s" }).Deployment.Spec.Template.Spec;

        Assert.Equal("20s", Assert.Single(pod.Containers).Env.Single(e => e.Name == "SLOTGATE_SHUTDOWN__DRAINDELAY").Value);
        Assert.True(pod.TerminationGracePeriodSeconds >= 20 + 30 + 10, pod.TerminationGracePeriodSeconds.ToString());
    }

    [Fact]
    public void Reconcile_ParameterChanged_ConfigHashChanges()
    {
        string Hash(Dictionary<string, string> data) => Plan(data).Deployment.Spec.Template.Metadata.Annotations["slotgate.io/config-hash"];

        string plain = Hash(new());
        Assert.Equal(16, plain.Length);
        Assert.Equal(plain, Hash(new()));
        Assert.NotEqual(plain, Hash(new() { ["settings.logging.logLevel"] = "Debug" }));
        Assert.NotEqual(plain, Hash(new() { ["drainDelay"] = "7s" }));
        Assert.NotEqual(plain, Hash(new() { ["inboundBinding"] = "PROXY" }));
    }

    [Theory]
    [InlineData("inboundBinding", "HBONE", "inboundBinding: 'HBONE'")]
    [InlineData("drainDelay", "soon", "drainDelay: 'soon'")]
    [InlineData("drainDelay", "1h", "drainDelay: '1h'")]
    [InlineData("trustedProxies", "10.0.0.0/8,nonsense", "trustedProxies: '10.0.0.0/8,nonsense'")]
    [InlineData("settings.shutdown.drainDelay", "5s", "use the parameter drainDelay")]
    [InlineData("settings.proxyProtocol.listen.0", "0.0.0.0:1", "use the parameter inboundBinding")]
    public void Resolve_InvalidValue_InvalidParametersNamingIt(string key, string value, string expected)
    {
        var snapshot = Scenario.WithParameters(new() { [key] = value });

        GatewayClassResult result = Assert.Single(new Reconciler().Reconcile(snapshot).Classes);

        Assert.Equal((false, "InvalidParameters"), (result.Accepted.Status, result.Accepted.Reason));
        Assert.Contains(expected, result.Accepted.Message, StringComparison.Ordinal);
    }
}
