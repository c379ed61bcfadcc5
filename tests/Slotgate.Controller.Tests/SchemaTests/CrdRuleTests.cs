using System.Text.Json.Nodes;
using Slotgate.Controller.Tests.Schemas;
using Slotgate.Controller.Tests.Schemas.Cel;

namespace Slotgate.Controller.Tests.SchemaTests;

/// <summary>The CRDs' CEL rules: all of them compile, and those our objects meet accept valid and reject invalid ones.</summary>
public sealed class CrdRuleTests
{
    private static readonly SchemaValidator Validator = SchemaValidator.Shared;

    [Fact]
    public void Rules_EveryRuleInTheCrdFile_Compiles()
    {
        var rules = Validator.CustomResourceVersions.SelectMany(v => v.Rules().Select(r => (v.CrdName, v.Version, r.Path, r.Rule))).ToList();
        var failures = new List<string>();
        foreach ((string crd, string version, string path, string rule) in rules)
        {
            try
            {
                CelProgram.Compile(rule);
            }
            catch (CelParseException e)
            {
                failures.Add($"{crd} {version} {path}: {e.Message}: {rule}");
            }
        }

        Assert.Empty(failures);
        // The count of x-kubernetes-validations entries in the Gateway API v1.4.1 experimental install file.
        Assert.Equal(310, rules.Count);
    }

    [Fact]
    public void Patterns_EveryPatternInTheCrdFile_Compiles()
    {
        var patterns = new HashSet<string>(StringComparer.Ordinal);
        foreach (CustomResourceVersion version in Validator.CustomResourceVersions)
        {
            JsonTree.ForEachObject(version.Schema, obj =>
            {
                if (obj["pattern"] is JsonValue pattern && pattern.TryGetValue(out string? text))
                {
                    patterns.Add(text);
                }
            });
        }

        Assert.NotEmpty(patterns);
        Assert.All(patterns, p => Re2.Compile(p));
    }

    [Fact]
    public void Rules_EveryRule_EvaluatesOnAnEmptyValueOfItsTypeWithoutACrash()
    {
        // Compiling proves the syntax and functions; evaluating each rule once proves the evaluator copes with each
        // (a CEL error such as "no such key" is a valid outcome here, a .NET exception is not).
        foreach (CustomResourceVersion version in Validator.CustomResourceVersions)
        {
            foreach ((string path, string rule, _) in version.Rules())
            {
                CelProgram program = CelProgram.Compile(rule);
                foreach (JsonNode? self in (JsonNode?[])[new JsonObject(), new JsonArray(), JsonValue.Create("x")])
                {
                    try
                    {
                        program.Holds(self, self, hasOldSelf: true);
                    }
                    catch (CelEvaluationException)
                    {
                    }
                }
            }
        }
    }

    [Fact]
    public void GatewayListeners_DuplicateName_RuleMessage()
    {
        JsonObject gateway = Objects.Gateway();
        gateway["spec"]!["listeners"]![1]!["name"] = "redis";

        Assert.Contains("spec.listeners: Invalid value: \"array\": Listener name must be unique within the Gateway", Validator.Validate(gateway));
    }

    [Fact]
    public void GatewayListeners_SamePortProtocolAndHostname_RuleMessage()
    {
        JsonObject gateway = Objects.Gateway();
        gateway["spec"]!["listeners"]![1]!["port"] = 7000;
        gateway["spec"]!["listeners"]![1]!["protocol"] = "TCP";

        Assert.Equal(["spec.listeners: Invalid value: \"array\": Combination of port, protocol and hostname must be unique for each listener"],
            Validator.Validate(gateway));
    }

    [Fact]
    public void GatewayListeners_SamePortDifferentHostnames_Accepted()
    {
        JsonObject gateway = Objects.Gateway();
        gateway["spec"]!["listeners"] = JsonNode.Parse("""
            [ { "name": "a", "port": 443, "protocol": "TLS", "hostname": "a.example.com", "tls": { "mode": "Passthrough" } },
              { "name": "b", "port": 443, "protocol": "TLS", "hostname": "b.example.com", "tls": { "mode": "Passthrough" } } ]
            """);

        Assert.Empty(Validator.Validate(gateway));
    }

    /// <summary>A TCP listener takes neither a hostname nor TLS settings; each rule names the protocols it covers.</summary>
    [Theory]
    [InlineData("hostname", "\"redis.example.com\"", "hostname must not be specified for protocols ['TCP', 'UDP']")]
    [InlineData("tls", """{ "mode": "Passthrough" }""", "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']")]
    public void GatewayListeners_TcpWithHostnameOrTls_RuleMessage(string field, string value, string message)
    {
        JsonObject gateway = Objects.Gateway();
        gateway["spec"]!["listeners"]![0]![field] = JsonNode.Parse(value);

        Assert.Equal([$"spec.listeners: Invalid value: \"array\": {message}"], Validator.Validate(gateway));
    }

    [Fact]
    public void GatewayListenerTls_TerminateWithEmptyCertificates_RuleMessageAfterDefaults()
    {
        // tls.mode defaults to Terminate: the rule sees the defaulted value.
        JsonObject gateway = Objects.Gateway();
        gateway["spec"]!["listeners"] = JsonNode.Parse("""[ { "name": "tls", "port": 6380, "protocol": "TLS", "tls": { "certificateRefs": [], "options": {} } } ]""");

        IReadOnlyList<string> errors = Validator.Validate(gateway);

        Assert.True(errors is ["spec.listeners[0].tls: Invalid value: \"object\": certificateRefs or options must be specified when mode is Terminate"], string.Join("\n", errors));
    }

    [Fact]
    public void GatewayListenerTls_EmptyTls_NoSuchKeyEvaluatingRule()
    {
        // The rule reads certificateRefs without has(): on an absent field CEL fails, and the API server reports the
        // evaluation error with the rule.
        JsonObject gateway = Objects.Gateway();
        gateway["spec"]!["listeners"] = JsonNode.Parse("""[ { "name": "tls", "port": 6380, "protocol": "TLS", "tls": {} } ]""");

        IReadOnlyList<string> errors = Validator.Validate(gateway);

        Assert.True(errors is ["spec.listeners[0].tls: Invalid value: \"object\": no such key: certificateRefs evaluating rule: self.mode == 'Terminate' ? size(self.certificateRefs) > 0 || size(self.options) > 0 : true"],
            string.Join("\n", errors));
    }

    [Fact]
    public void GatewayAddresses_DuplicateIPAddress_RuleMessage()
    {
        JsonObject gateway = Objects.Gateway();
        gateway["spec"]!["addresses"] = JsonNode.Parse("""[ { "type": "IPAddress", "value": "10.0.0.7" }, { "type": "IPAddress", "value": "10.0.0.7" } ]""");

        Assert.Equal(["spec.addresses: Invalid value: \"array\": IPAddress values must be unique"], Validator.Validate(gateway));
    }

    [Fact]
    public void GatewayAddresses_InvalidHostname_RuleMessage()
    {
        JsonObject gateway = Objects.Gateway();
        gateway["spec"]!["addresses"] = JsonNode.Parse("""[ { "type": "Hostname", "value": "Redis.Example" } ]""");

        Assert.Contains(Validator.Validate(gateway), e => e.StartsWith("spec.addresses[0]: Invalid value: \"object\": Hostname value must be empty or contain only valid characters", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sidecar.istio.io/inject", true)]
    [InlineData("-bad/key", false)]
    public void GatewayInfrastructureLabels_KeyForm_RuleMessage(string key, bool accepted)
    {
        JsonObject gateway = Objects.Gateway();
        gateway["spec"]!["infrastructure"] = new JsonObject { ["labels"] = new JsonObject { [key] = "true" } };

        IReadOnlyList<string> errors = Validator.Validate(gateway);

        Assert.Equal(accepted, errors.Count == 0);
        if (!accepted)
        {
            Assert.Contains(errors, e => e.StartsWith("spec.infrastructure.labels: Invalid value: \"object\": Label keys must be in the form", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void GatewayClassControllerName_ChangedOnUpdate_ImmutableRuleMessage()
    {
        JsonObject old = Objects.GatewayClass();
        JsonObject changed = Objects.GatewayClass();
        changed["spec"]!["controllerName"] = "example.com/other-controller";

        Assert.Equal(["spec.controllerName: Invalid value: \"string\": Value is immutable"], Validator.Validate(changed, old));
        Assert.Empty(Validator.Validate(changed));
        Assert.Empty(Validator.Validate(Objects.GatewayClass(), old));
    }

    [Fact]
    public void TcpRouteBackendRef_ServiceWithoutPort_RuleMessage()
    {
        JsonObject route = Objects.TcpRoute();
        route["spec"]!["rules"]![0]!["backendRefs"]![0]!.AsObject().Remove("port");

        Assert.Equal(["spec.rules[0].backendRefs[0]: Invalid value: \"object\": Must have port for Service reference"], Validator.Validate(route));
    }

    [Fact]
    public void TcpRouteBackendRef_OtherKindWithoutPort_Accepted()
    {
        JsonObject route = Objects.TcpRoute();
        JsonObject backend = route["spec"]!["rules"]![0]!["backendRefs"]![0]!.AsObject();
        backend.Remove("port");
        backend["group"] = "example.com";
        backend["kind"] = "RedisBackend";

        Assert.Empty(Validator.Validate(route));
    }

    [Fact]
    public void TcpRouteParentRefs_SameParentTwiceWithoutSectionName_RuleMessages()
    {
        JsonObject route = Objects.TcpRoute();
        route["spec"]!["parentRefs"]!.AsArray().Add(new JsonObject { ["name"] = "redis-waypoint" });

        IReadOnlyList<string> errors = Validator.Validate(route);

        Assert.Contains("spec.parentRefs: Invalid value: \"array\": sectionName or port must be unique when parentRefs includes 2 or more references to the same parent", errors);
    }

    /// <summary>
    /// The same parent twice is fine when the section names differ, or when the namespaces do (the rule reads the
    /// namespace field through Kubernetes' escaping, __namespace__).
    /// </summary>
    [Theory]
    [InlineData("""[ { "name": "redis-waypoint", "sectionName": "redis" }, { "name": "redis-waypoint", "sectionName": "mesh" } ]""")]
    [InlineData("""[ { "name": "redis-waypoint", "namespace": "a" }, { "name": "redis-waypoint", "namespace": "b" } ]""")]
    public void TcpRouteParentRefs_SameNameButAnotherSectionOrNamespace_Accepted(string parentRefs)
    {
        JsonObject route = Objects.TcpRoute();
        route["spec"]!["parentRefs"] = JsonNode.Parse(parentRefs);

        Assert.Empty(Validator.Validate(route));
    }

    [Fact]
    public void TcpRouteRules_DuplicateRuleNames_RuleMessage()
    {
        JsonObject route = Objects.TcpRoute();
        route["spec"]!["rules"] = JsonNode.Parse("""
            [ { "name": "main", "backendRefs": [ { "name": "a", "port": 6379 } ] },
              { "name": "main", "backendRefs": [ { "name": "b", "port": 6379 } ] } ]
            """);

        Assert.Equal(["spec.rules: Invalid value: \"array\": Rule name must be unique within the route"], Validator.Validate(route));
    }
}
