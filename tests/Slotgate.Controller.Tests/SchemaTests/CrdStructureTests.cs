using System.Text.Json.Nodes;
using Slotgate.Controller.Tests.Schemas;

namespace Slotgate.Controller.Tests.SchemaTests;

/// <summary>Gateway API objects against their CRDs' structural schemas and defaults.</summary>
public sealed class CrdStructureTests
{
    private static readonly SchemaValidator Validator = SchemaValidator.Shared;

    public static TheoryData<string> ValidObjects() => new("GatewayClass", "Gateway", "TCPRoute", "ReferenceGrant");

    private static JsonObject Valid(string kind) => kind switch
    {
        "GatewayClass" => Objects.GatewayClass(),
        "Gateway" => Objects.Gateway(),
        "TCPRoute" => Objects.TcpRoute(),
        "ReferenceGrant" => Objects.ReferenceGrant(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(ValidObjects))]
    public void Validate_ValidObject_NoErrors(string kind)
    {
        Assert.Empty(Validator.Validate(Valid(kind)));
    }

    [Fact]
    public void Validate_UnknownSpecField_FieldNotDeclared()
    {
        JsonObject gateway = Objects.Gateway();
        gateway["spec"]!["listener"] = new JsonArray();

        Assert.Equal([".spec.listener: field not declared in schema"], Validator.Validate(gateway));
    }

    [Fact]
    public void Validate_UnknownListenerField_ManagedPathNamesTheListenerByKey()
    {
        JsonObject gateway = Objects.Gateway();
        gateway["spec"]!["listeners"]![0]!["drainDelay"] = "5s";

        Assert.Equal([".spec.listeners[name=\"redis\"].drainDelay: field not declared in schema"], Validator.Validate(gateway));
    }

    [Theory]
    [InlineData("Gateway", "gatewayClassName")]
    [InlineData("ReferenceGrant", "to")]
    public void Validate_RequiredSpecFieldMissing_RequiredValue(string kind, string field)
    {
        JsonObject obj = Valid(kind);
        obj["spec"]!.AsObject().Remove(field);

        Assert.Equal([$"spec.{field}: Required value"], Validator.Validate(obj));
    }

    [Fact]
    public void Validate_PortAsString_TypeError()
    {
        JsonObject gateway = Objects.Gateway();
        gateway["spec"]!["listeners"]![0]!["port"] = "7000";

        string error = Assert.Single(Validator.Validate(gateway));

        Assert.StartsWith("spec.listeners[0].port: Invalid value: \"string\": spec.listeners[0].port in body must be of type integer", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "greater than or equal to 1")]
    [InlineData(65536, "less than or equal to 65535")]
    public void Validate_PortOutOfRange_MinimumOrMaximum(int port, string expected)
    {
        JsonObject gateway = Objects.Gateway();
        gateway["spec"]!["listeners"]![0]!["port"] = port;

        string error = Assert.Single(Validator.Validate(gateway));

        Assert.Equal($"spec.listeners[0].port: Invalid value: {port}: spec.listeners[0].port in body should be {expected}", error);
    }

    [Fact]
    public void Validate_ListenerNameAgainstPattern_PatternError()
    {
        JsonObject gateway = Objects.Gateway();
        gateway["spec"]!["listeners"]![0]!["name"] = "Redis_Listener";

        Assert.Contains(Validator.Validate(gateway), e => e.StartsWith("spec.listeners[0].name: Invalid value: \"Redis_Listener\": spec.listeners[0].name in body should match", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_PatternWithTrailingNewline_RejectedAsRe2Would()
    {
        JsonObject gateway = Objects.Gateway();
        gateway["spec"]!["listeners"]![0]!["name"] = "redis\n";

        Assert.Contains(Validator.Validate(gateway), e => e.StartsWith("spec.listeners[0].name: Invalid value: \"redis\\n\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_GatewayClassNameTooLong_TooLong()
    {
        JsonObject gateway = Objects.Gateway();
        gateway["spec"]!["gatewayClassName"] = new string('a', 254);

        Assert.Equal(["spec.gatewayClassName: Too long: may not be longer than 253"], Validator.Validate(gateway));
    }

    [Fact]
    public void Validate_NoListeners_MinItems()
    {
        JsonObject gateway = Objects.Gateway();
        gateway["spec"]!["listeners"] = new JsonArray();

        Assert.Equal(["spec.listeners: Invalid value: 0: spec.listeners in body should have at least 1 items"], Validator.Validate(gateway));
    }

    [Fact]
    public void Validate_65Listeners_MaxItems()
    {
        JsonObject gateway = Objects.Gateway();
        var listeners = new JsonArray();
        for (int i = 0; i < 65; i++)
        {
            listeners.Add(new JsonObject { ["name"] = $"l{i}", ["port"] = 7000 + i, ["protocol"] = "TCP" });
        }
        gateway["spec"]!["listeners"] = listeners;

        Assert.Contains("spec.listeners: Too many: 65: must have at most 64 items", Validator.Validate(gateway));
    }

    [Fact]
    public void Validate_DuplicateListenerName_DuplicateValueAndRuleMessage()
    {
        JsonObject gateway = Objects.Gateway();
        gateway["spec"]!["listeners"]![1]!["name"] = "redis";

        IReadOnlyList<string> errors = Validator.Validate(gateway);

        Assert.Contains("spec.listeners[1]: Duplicate value: {\"name\":\"redis\"}", errors);
        Assert.Contains("spec.listeners: Invalid value: \"array\": Listener name must be unique within the Gateway", errors);
    }

    [Fact]
    public void Validate_InvalidConditionTime_DateTimeFormat()
    {
        JsonObject gateway = Objects.Gateway();
        gateway["status"] = JsonNode.Parse("""
            { "conditions": [ { "type": "Accepted", "status": "True", "reason": "Accepted", "message": "",
                                "observedGeneration": 1, "lastTransitionTime": "yesterday" } ] }
            """);

        Assert.Contains(Validator.Validate(gateway), e => e.StartsWith("status.conditions[0].lastTransitionTime: Invalid value: \"yesterday\"", StringComparison.Ordinal)
            && e.Contains("must be of type date-time", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("IPAddress", "10.0.0.7", true)]
    [InlineData("IPAddress", "fd00::7", true)]
    [InlineData("IPAddress", "redis.example", false)]
    [InlineData("Hostname", "redis-waypoint.default.svc.cluster.local", true)]
    public void Validate_StatusAddress_IPAddressValueMustBeAnIP(string type, string value, bool accepted)
    {
        JsonObject gateway = Objects.Gateway();
        gateway["status"] = new JsonObject { ["addresses"] = new JsonArray(new JsonObject { ["type"] = type, ["value"] = value }) };

        IReadOnlyList<string> errors = Validator.Validate(gateway);

        Assert.True(accepted == (errors.Count == 0), string.Join("\n", errors));
    }

    [Fact]
    public void Validate_ReferenceGrantFromKindWithSpace_PatternError()
    {
        JsonObject grant = Objects.ReferenceGrant();
        grant["spec"]!["from"]![0]!["kind"] = "TCP Route";

        Assert.Contains(Validator.Validate(grant), e => e.StartsWith("spec.from[0].kind: Invalid value: \"TCP Route\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_GatewayNameNotADnsSubdomain_MetadataError()
    {
        JsonObject gateway = Objects.Gateway();
        gateway["metadata"]!["name"] = "Redis Waypoint";

        Assert.Contains(Validator.Validate(gateway), e => e.StartsWith("metadata.name: Invalid value: \"Redis Waypoint\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_UnknownMetadataFieldOnCustomResource_FieldNotDeclared()
    {
        JsonObject gateway = Objects.Gateway();
        gateway["metadata"]!["annotation"] = "x";

        Assert.Equal([".metadata.annotation: field not declared in schema"], Validator.Validate(gateway));
    }

    [Fact]
    public void Validate_UnservedVersion_NoMatchesForKind()
    {
        JsonObject gateway = Objects.Gateway();
        gateway["apiVersion"] = "gateway.networking.k8s.io/v1alpha1";

        Assert.Equal(["no matches for kind \"Gateway\" in version \"gateway.networking.k8s.io/v1alpha1\""], Validator.Validate(gateway));
    }

    [Fact]
    public void WithDefaults_Gateway_ListenerAllowedRoutesDefaulted()
    {
        JsonObject defaulted = Validator.WithDefaults(Objects.Gateway());

        Assert.Equal("Same", (string?)defaulted["spec"]!["listeners"]![0]!["allowedRoutes"]!["namespaces"]!["from"]);
    }

    [Fact]
    public void WithDefaults_TcpRouteParentRef_GroupAndKindDefaulted()
    {
        JsonObject defaulted = Validator.WithDefaults(Objects.TcpRoute());

        JsonNode parentRef = defaulted["spec"]!["parentRefs"]![0]!;
        Assert.Equal("gateway.networking.k8s.io", (string?)parentRef["group"]);
        Assert.Equal("Gateway", (string?)parentRef["kind"]);
        Assert.Equal("Service", (string?)defaulted["spec"]!["rules"]![0]!["backendRefs"]![0]!["kind"]);
    }

    [Fact]
    public void WithDefaults_NullInNonNullableField_DroppedThenDefaulted()
    {
        JsonObject route = Objects.TcpRoute();
        route["spec"]!["parentRefs"]![0]!["kind"] = null;

        JsonObject defaulted = Validator.WithDefaults(route);

        Assert.Equal("Gateway", (string?)defaulted["spec"]!["parentRefs"]![0]!["kind"]);
        Assert.Empty(Validator.Validate(route));
    }

    [Fact]
    public void WithDefaults_DoesNotChangeTheGivenObject()
    {
        JsonObject gateway = Objects.Gateway();

        Validator.WithDefaults(gateway);
        Validator.Validate(gateway);

        Assert.Null(gateway["spec"]!["listeners"]![0]!["allowedRoutes"]);
    }

    [Fact]
    public void Validate_ManyThreadsAtOnce_SameResults()
    {
        JsonObject invalid = Objects.Gateway();
        invalid["spec"]!["listeners"]![1]!["name"] = "redis";
        IReadOnlyList<string> expected = Validator.Validate(invalid);
        var results = new IReadOnlyList<string>[64];

        Parallel.For(0, results.Length, i => results[i] = i % 2 == 0
            ? Validator.Validate(invalid)
            : Validator.Validate(Objects.Deployment()));

        for (int i = 0; i < results.Length; i++)
        {
            Assert.Equal(i % 2 == 0 ? expected : [], results[i]);
        }
    }
}
