using System.Text.Json.Nodes;
using Slotgate.Controller.Tests.Schemas;

namespace Slotgate.Controller.Tests.SchemaTests;

/// <summary>Core kinds against the Kubernetes 1.25.2 OpenAPI schemas of kubernetes-models 4.1.0.</summary>
public sealed class CoreSchemaTests
{
    private static readonly SchemaValidator Validator = SchemaValidator.Shared;

    private static JsonObject Container(JsonObject deployment) =>
        deployment["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();

    [Fact]
    public void Validate_ValidDeployment_NoErrors()
    {
        Assert.Empty(Validator.Validate(Objects.Deployment()));
    }

    [Fact]
    public void Validate_PreStopSleep_FieldNotDeclaredAtTheContainersManagedPath()
    {
        JsonObject deployment = Objects.Deployment();
        Container(deployment)["lifecycle"] = JsonNode.Parse("""{ "preStop": { "sleep": { "seconds": 5 } } }""");

        IReadOnlyList<string> errors = Validator.Validate(deployment);

        Assert.Equal([".spec.template.spec.containers[name=\"slotgate\"].lifecycle.preStop.sleep: field not declared in schema"], errors);
    }

    [Fact]
    public void Validate_PreStopExec_Accepted()
    {
        JsonObject deployment = Objects.Deployment();
        Container(deployment)["lifecycle"] = JsonNode.Parse("""{ "preStop": { "exec": { "command": ["sleep", "5"] } } }""");

        Assert.Empty(Validator.Validate(deployment));
    }

    [Fact]
    public void Validate_ContainerPortAsString_TypeError()
    {
        JsonObject deployment = Objects.Deployment();
        Container(deployment)["ports"]![0]!["containerPort"] = "7000";

        string error = Assert.Single(Validator.Validate(deployment));

        Assert.StartsWith("spec.template.spec.containers[0].ports[0].containerPort: Invalid value: \"string\"", error, StringComparison.Ordinal);
        Assert.Contains("must be of type integer", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ContainerPortBeyondInt32_FormatError()
    {
        JsonObject deployment = Objects.Deployment();
        Container(deployment)["ports"]![0]!["containerPort"] = 4_294_967_296L;

        Assert.Contains(Validator.Validate(deployment), e => e.Contains("must be of type int32", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UnknownImagePullPolicy_UnsupportedValue()
    {
        JsonObject deployment = Objects.Deployment();
        Container(deployment)["imagePullPolicy"] = "Sometimes";

        string error = Assert.Single(Validator.Validate(deployment));

        Assert.StartsWith("spec.template.spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ContainerWithoutName_RequiredValue()
    {
        JsonObject deployment = Objects.Deployment();
        Container(deployment).Remove("name");

        Assert.Equal(["spec.template.spec.containers[0].name: Required value"], Validator.Validate(deployment));
    }

    [Fact]
    public void Validate_DuplicateContainerNames_DuplicateValue()
    {
        JsonObject deployment = Objects.Deployment();
        deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Add(Container(deployment).DeepClone());

        Assert.Contains(Validator.Validate(deployment), e => e.StartsWith("spec.template.spec.containers[1]: Duplicate value", StringComparison.Ordinal));
    }

    /// <summary>A probe port is an int-or-string; a resource request is a quantity (a string or a number).</summary>
    [Theory]
    [InlineData("readinessProbe.httpGet.port", "\"admin\"", true)]
    [InlineData("readinessProbe.httpGet.port", "9090", true)]
    [InlineData("readinessProbe.httpGet.port", "true", false)]
    [InlineData("resources.requests.cpu", "\"250m\"", true)]
    [InlineData("resources.requests.cpu", "\"1.5Gi\"", true)]
    [InlineData("resources.requests.cpu", "2", true)]
    [InlineData("resources.requests.cpu", "\"lots\"", false)]
    public void Validate_ProbePortAndResourceQuantity_OnlyTheirFormatAccepted(string path, string value, bool accepted)
    {
        JsonObject deployment = Objects.Deployment();
        string[] fields = path.Split('.');
        JsonNode parent = fields[..^1].Aggregate((JsonNode)Container(deployment), (node, field) => node[field]!);
        parent[fields[^1]] = JsonNode.Parse(value);

        Assert.Equal(accepted, Validator.Validate(deployment).Count == 0);
    }

    [Fact]
    public void Validate_UpperCaseName_InvalidDnsSubdomain()
    {
        JsonObject deployment = Objects.Deployment();
        deployment["metadata"]!["name"] = "Redis_Waypoint";

        string error = Assert.Single(Validator.Validate(deployment));

        Assert.StartsWith("metadata.name: Invalid value: \"Redis_Waypoint\": a lowercase RFC 1123 subdomain", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ServiceNameStartingWithDigit_InvalidDns1035Label()
    {
        JsonObject service = Objects.Parse("""
            { "apiVersion": "v1", "kind": "Service", "metadata": { "name": "7000-redis" },
              "spec": { "ports": [ { "port": 7000, "targetPort": "redis" } ] } }
            """);

        Assert.Contains(Validator.Validate(service), e => e.StartsWith("metadata.name: Invalid value: \"7000-redis\": a DNS-1035 label", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UnknownMetadataField_FieldNotDeclared()
    {
        JsonObject deployment = Objects.Deployment();
        deployment["metadata"]!["label"] = new JsonObject();

        Assert.Equal([".metadata.label: field not declared in schema"], Validator.Validate(deployment));
    }

    [Fact]
    public void Validate_InvalidLabelValue_Rejected()
    {
        JsonObject deployment = Objects.Deployment();
        deployment["metadata"]!["labels"]!["app.kubernetes.io/name"] = "-slotgate";

        Assert.Contains(Validator.Validate(deployment), e => e.StartsWith("metadata.labels: Invalid value: \"-slotgate\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_KindWithoutSchema_NoMatchesForKind()
    {
        JsonObject monitor = Objects.Parse("""{ "apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor", "metadata": { "name": "slotgate" } }""");

        Assert.Equal(["no matches for kind \"ServiceMonitor\" in version \"monitoring.coreos.com/v1\""], Validator.Validate(monitor));
        Assert.False(Validator.Knows("monitoring.coreos.com/v1", "ServiceMonitor"));
    }

    [Theory]
    [InlineData("apps/v1", "Deployment")]
    [InlineData("v1", "Service")]
    [InlineData("coordination.k8s.io/v1", "Lease")]
    [InlineData("rbac.authorization.k8s.io/v1", "ClusterRole")]
    [InlineData("policy/v1", "PodDisruptionBudget")]
    [InlineData("autoscaling/v2", "HorizontalPodAutoscaler")]
    [InlineData("events.k8s.io/v1", "Event")]
    [InlineData("gateway.networking.k8s.io/v1", "Gateway")]
    [InlineData("gateway.networking.k8s.io/v1alpha2", "TCPRoute")]
    public void Knows_CoreAndGatewayApiKinds_True(string apiVersion, string kind)
    {
        Assert.True(Validator.Knows(apiVersion, kind));
    }

    [Fact]
    public void Knows_KindNewerThanKubernetes125_False()
    {
        // ValidatingAdmissionPolicy became v1 only in Kubernetes 1.30.
        Assert.False(Validator.Knows("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy"));
    }
}
