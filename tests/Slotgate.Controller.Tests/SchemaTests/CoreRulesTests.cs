using System.Text.Json.Nodes;
using Slotgate.Controller.Tests.Schemas;

namespace Slotgate.Controller.Tests.SchemaTests;

/// <summary>The API server's Go validation of core kinds that the validator models (beyond the OpenAPI schema).</summary>
public sealed class CoreRulesTests
{
    private static readonly SchemaValidator Validator = SchemaValidator.Shared;

    private static JsonObject PodSpec(JsonObject deployment) => deployment["spec"]!["template"]!["spec"]!.AsObject();

    private static JsonObject Container(JsonObject deployment) => PodSpec(deployment)["containers"]![0]!.AsObject();

    [Fact]
    public void Validate_SelectorNotMatchingTemplateLabels_Rejected()
    {
        JsonObject deployment = Objects.Deployment();
        deployment["spec"]!["selector"]!["matchLabels"]!["app.kubernetes.io/instance"] = "other";

        string error = Assert.Single(Validator.Validate(deployment));

        Assert.EndsWith("`selector` does not match template `labels`", error, StringComparison.Ordinal);
        Assert.StartsWith("spec.template.metadata.labels: Invalid value:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EmptySelector_Rejected()
    {
        JsonObject deployment = Objects.Deployment();
        deployment["spec"]!["selector"] = new JsonObject();

        Assert.Contains(Validator.Validate(deployment), e => e.EndsWith("empty selector is invalid for deployment", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_PortNameTooLong_Rejected()
    {
        JsonObject deployment = Objects.Deployment();
        Container(deployment)["ports"]![0]!["name"] = "redis-plain-text";

        Assert.Equal(["spec.template.spec.containers[0].ports[0].name: Invalid value: \"redis-plain-text\": must be no more than 15 characters"],
            Validator.Validate(deployment));
    }

    [Fact]
    public void Validate_ProbeOnUnknownNamedPortForm_Rejected()
    {
        JsonObject deployment = Objects.Deployment();
        Container(deployment)["readinessProbe"]!["httpGet"]!["port"] = "Admin_Port";

        Assert.Contains(Validator.Validate(deployment), e => e.StartsWith("spec.template.spec.containers[0].readinessProbe.httpGet.port: Invalid value: \"Admin_Port\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_PreStopWithoutHandler_RequiredHandlerType()
    {
        JsonObject deployment = Objects.Deployment();
        Container(deployment)["lifecycle"] = JsonNode.Parse("""{ "preStop": {} }""");

        Assert.Equal(["spec.template.spec.containers[0].lifecycle.preStop: Required value: must specify a handler type"], Validator.Validate(deployment));
    }

    [Fact]
    public void Validate_ProbeWithTwoHandlers_Forbidden()
    {
        JsonObject deployment = Objects.Deployment();
        Container(deployment)["readinessProbe"]!["tcpSocket"] = JsonNode.Parse("""{ "port": 7000 }""");

        Assert.Contains(Validator.Validate(deployment), e => e.EndsWith("may not specify more than 1 handler type", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_EnvNameStartingWithDigit_Rejected()
    {
        JsonObject deployment = Objects.Deployment();
        Container(deployment)["env"]![0]!["name"] = "1SLOTGATE";

        Assert.Contains(Validator.Validate(deployment), e => e.StartsWith("spec.template.spec.containers[0].env[0].name: Invalid value: \"1SLOTGATE\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_VolumeMountOfUnknownVolume_NotFound()
    {
        JsonObject deployment = Objects.Deployment();
        Container(deployment)["volumeMounts"] = JsonNode.Parse("""[ { "name": "config", "mountPath": "/etc/slotgate" } ]""");

        Assert.Equal(["spec.template.spec.containers[0].volumeMounts[0].name: Not found: \"config\""], Validator.Validate(deployment));

        PodSpec(deployment)["volumes"] = JsonNode.Parse("""[ { "name": "config", "configMap": { "name": "redis-waypoint" } } ]""");
        Assert.Empty(Validator.Validate(deployment));
    }

    [Fact]
    public void Validate_RequestAboveLimit_Rejected()
    {
        JsonObject deployment = Objects.Deployment();
        Container(deployment)["resources"]!["requests"]!["memory"] = "256Mi";

        Assert.Equal(["spec.template.spec.containers[0].resources.requests: Invalid value: \"256Mi\": must be less than or equal to memory limit of 134217728"],
            Validator.Validate(deployment));
    }

    [Fact]
    public void Validate_DeploymentRestartPolicyNever_Unsupported()
    {
        JsonObject deployment = Objects.Deployment();
        PodSpec(deployment)["restartPolicy"] = "Never";

        Assert.Equal(["spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""], Validator.Validate(deployment));
    }

    [Fact]
    public void Validate_ServiceWithTwoUnnamedPorts_NameRequired()
    {
        JsonObject service = Objects.Parse("""
            { "apiVersion": "v1", "kind": "Service", "metadata": { "name": "redis-waypoint" },
              "spec": { "selector": { "app": "slotgate" }, "ports": [ { "port": 7000 }, { "port": 15008 } ] } }
            """);

        Assert.Equal(["spec.ports[0].name: Required value", "spec.ports[1].name: Required value"], Validator.Validate(service));
    }

    [Fact]
    public void Validate_ConfigMapKeyWithSlash_Rejected()
    {
        JsonObject configMap = Objects.Parse("""{ "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "c" }, "data": { "conf/slotgate.yaml": "" } }""");

        Assert.Contains(Validator.Validate(configMap), e => e.StartsWith("data[conf/slotgate.yaml]: Invalid value", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ClusterRoleRuleWithoutVerbs_Required()
    {
        JsonObject role = Objects.Parse("""
            { "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": { "name": "slotgate:controller" },
              "rules": [ { "apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": [] } ] }
            """);

        Assert.Equal(["rules[0].verbs: Required value: verbs must contain at least one value"], Validator.Validate(role));
    }

    [Fact]
    public void Validate_ClusterRoleBindingServiceAccountWithoutNamespace_Required()
    {
        JsonObject binding = Objects.Parse("""
            { "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": { "name": "slotgate-controller" },
              "roleRef": { "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "slotgate-controller" },
              "subjects": [ { "kind": "ServiceAccount", "name": "slotgate-controller" } ] }
            """);

        Assert.Equal(["subjects[0].namespace: Required value"], Validator.Validate(binding));
    }

    [Fact]
    public void Validate_LeaseWithZeroDuration_Rejected()
    {
        JsonObject lease = Objects.Parse("""
            { "apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": { "name": "slotgate-controller", "namespace": "slotgate-system" },
              "spec": { "holderIdentity": "pod-a", "leaseDurationSeconds": 0 } }
            """);

        Assert.Equal(["spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"], Validator.Validate(lease));
    }

    [Fact]
    public void Validate_EventsV1EventWithoutReportingController_Required()
    {
        JsonObject ev = Objects.Parse("""
            { "apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": { "name": "redis-waypoint.1", "namespace": "default" },
              "eventTime": "2026-01-01T00:00:00.000000Z", "reportingInstance": "slotgate-controller-0", "action": "Reconcile",
              "reason": "ApplyFailed", "type": "Warning", "note": "server rejected the Deployment",
              "regarding": { "apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "name": "redis-waypoint", "namespace": "default" } }
            """);

        Assert.Equal(["reportingController: Required value"], Validator.Validate(ev));
        ev["reportingController"] = "slotgate.io/gateway-controller";
        Assert.Empty(Validator.Validate(ev));
    }

    [Fact]
    public void Validate_PodDisruptionBudgetWithBothBounds_Rejected()
    {
        JsonObject pdb = Objects.Parse("""
            { "apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": { "name": "slotgate" },
              "spec": { "minAvailable": 1, "maxUnavailable": "50%", "selector": { "matchLabels": { "app": "slotgate" } } } }
            """);

        Assert.Equal(["spec: Invalid value: \"object\": minAvailable and maxUnavailable cannot be both set"], Validator.Validate(pdb));
    }

    [Theory]
    [InlineData("default", "default", true)]
    [InlineData("shop", "default", false)]
    [InlineData("", "default", true)]
    [InlineData("", "slotgate-system", false)]
    public void Validate_CoreEventNamespace_MatchesItsObjects(string objectNamespace, string eventNamespace, bool accepted)
    {
        JsonObject ev = Objects.Parse($$"""
            { "apiVersion": "v1", "kind": "Event", "metadata": { "name": "x.1", "namespace": "{{eventNamespace}}" },
              "involvedObject": { "apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "name": "x", "namespace": "{{objectNamespace}}" },
              "reason": "Accepted", "message": "ok", "type": "Normal" }
            """);

        IReadOnlyList<string> errors = Validator.Validate(ev);

        Assert.True(accepted == (errors.Count == 0), string.Join("\n", errors));
    }
}
