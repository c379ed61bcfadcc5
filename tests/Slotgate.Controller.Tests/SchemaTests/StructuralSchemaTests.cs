using System.Text.Json.Nodes;
using Slotgate.Controller.Tests.Schemas;

namespace Slotgate.Controller.Tests.SchemaTests;

/// <summary>
/// Structural-schema features the Gateway API CRDs use little or not at all, on small schemas of the tests' own:
/// int-or-string, preserved unknown fields, nullable, set and multi-key map lists, messageExpression and transition
/// rules on list items.
/// </summary>
public sealed class StructuralSchemaTests
{
    private static List<string> Validate(string schemaJson, string valueJson, string? oldJson = null)
    {
        JsonObject schema = JsonNode.Parse(schemaJson)!.AsObject();
        JsonNode value = JsonNode.Parse(valueJson)!;
        SchemaDefaults.Apply(value, schema);
        OldValue old = OldValue.None;
        if (oldJson is not null)
        {
            JsonNode oldValue = JsonNode.Parse(oldJson)!;
            SchemaDefaults.Apply(oldValue, schema);
            old = new OldValue(true, oldValue);
        }
        var errors = new List<string>();
        new SchemaWalker(SchemaDialect.CustomResource, r => throw new InvalidOperationException(r)).Validate(value, schema, SchemaPath.Root, old, errors);
        return errors;
    }

    [Theory]
    [InlineData("""{ "v": 8080 }""", true)]
    [InlineData("""{ "v": "http" }""", true)]
    [InlineData("""{ "v": true }""", false)]
    [InlineData("""{ "v": 1.5 }""", false)]
    public void IntOrString_IntegerOrStringOnly(string value, bool accepted)
    {
        const string schema = """{ "type": "object", "properties": { "v": { "x-kubernetes-int-or-string": true, "anyOf": [ { "type": "integer" }, { "type": "string" } ] } } }""";

        Assert.Equal(accepted, Validate(schema, value).Count == 0);
    }

    [Fact]
    public void PreserveUnknownFields_UndeclaredFieldsAccepted()
    {
        const string schema = """{ "type": "object", "properties": { "free": { "type": "object", "x-kubernetes-preserve-unknown-fields": true } } }""";

        Assert.Empty(Validate(schema, """{ "free": { "anything": [1, { "goes": true }] } }"""));
        Assert.Equal([".other: field not declared in schema"], Validate(schema, """{ "other": 1 }"""));
    }

    [Fact]
    public void ObjectWithoutProperties_EveryFieldUndeclared()
    {
        const string schema = """{ "type": "object", "properties": { "empty": { "type": "object" } } }""";

        Assert.Equal([".empty.x: field not declared in schema"], Validate(schema, """{ "empty": { "x": 1 } }"""));
    }

    [Fact]
    public void Nullable_NullAcceptedOnlyWhereNullable()
    {
        const string schema = """
            { "type": "object", "required": ["b"],
              "properties": { "a": { "type": "string", "nullable": true }, "b": { "type": "string" } } }
            """;

        Assert.Empty(Validate(schema, """{ "a": null, "b": "x" }"""));
        // A null in a field that is not nullable is dropped before validation: here that leaves a required field out.
        Assert.Equal(["b: Required value"], Validate(schema, """{ "a": "x", "b": null }"""));
    }

    [Fact]
    public void NullItemInList_TypeError()
    {
        const string schema = """{ "type": "object", "properties": { "l": { "type": "array", "items": { "type": "string" } } } }""";

        Assert.Equal(["l[1]: Invalid value: \"null\": l[1] in body must be of type string: \"null\""], Validate(schema, """{ "l": ["a", null] }"""));
    }

    [Fact]
    public void SetList_DuplicateItem()
    {
        const string schema = """{ "type": "object", "properties": { "s": { "type": "array", "x-kubernetes-list-type": "set", "items": { "type": "string" } } } }""";

        Assert.Equal(["s[2]: Duplicate value: \"a\""], Validate(schema, """{ "s": ["a", "b", "a"] }"""));
    }

    private const string PortList = """
        { "type": "object", "properties": { "ports": {
            "type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["port", "protocol"],
            "items": { "type": "object", "required": ["port"],
                       "properties": { "port": { "type": "integer", "format": "int32" }, "protocol": { "type": "string", "default": "TCP" },
                                       "name": { "type": "string", "x-kubernetes-validations": [ { "rule": "self == oldSelf", "message": "name is immutable" } ] } } } } } }
        """;

    [Fact]
    public void MapListWithTwoKeys_DuplicateAfterDefaults()
    {
        Assert.Equal(["ports[1]: Duplicate value: {\"port\":80,\"protocol\":\"TCP\"}"],
            Validate(PortList, """{ "ports": [ { "port": 80 }, { "port": 80, "protocol": "TCP" } ] }"""));
        Assert.Empty(Validate(PortList, """{ "ports": [ { "port": 80 }, { "port": 80, "protocol": "UDP" } ] }"""));
    }

    [Fact]
    public void MapListWithTwoKeys_UndeclaredFieldNamedByBothKeys()
    {
        Assert.Equal([".ports[port=80,protocol=\"TCP\"].extra: field not declared in schema"],
            Validate(PortList, """{ "ports": [ { "port": 80, "extra": true } ] }"""));
    }

    [Fact]
    public void Int32Format_OutOfRange()
    {
        Assert.Equal(["ports[0].port: Invalid value: 2147483648: ports[0].port in body must be of type int32: 2147483648"],
            Validate(PortList, """{ "ports": [ { "port": 2147483648 } ] }"""));
    }

    [Fact]
    public void TransitionRuleOnMapListItem_ComparedWithTheItemOfTheSameKeys()
    {
        const string old = """{ "ports": [ { "port": 80, "name": "http" } ] }""";

        Assert.Equal(["ports[0].name: Invalid value: \"string\": name is immutable"],
            Validate(PortList, """{ "ports": [ { "port": 80, "name": "web" } ] }""", old));
        // Reordered: still the same item by its keys.
        Assert.Empty(Validate(PortList, """{ "ports": [ { "port": 81, "name": "new" }, { "port": 80, "name": "http" } ] }""", old));
        // A new item has no old value: the transition rule does not run.
        Assert.Empty(Validate(PortList, """{ "ports": [ { "port": 81, "name": "web" } ] }""", old));
    }

    [Fact]
    public void TransitionRuleInAtomicList_NotCorrelatedSoNotRun()
    {
        const string schema = """
            { "type": "object", "properties": { "l": { "type": "array", "items": { "type": "string",
                "x-kubernetes-validations": [ { "rule": "self == oldSelf", "message": "immutable" } ] } } } }
            """;

        Assert.Empty(Validate(schema, """{ "l": ["b"] }""", """{ "l": ["a"] }"""));
    }

    /// <summary>A messageExpression gives the message when it yields a string; when it fails, the message does.</summary>
    [Theory]
    [InlineData("'n is ' + string(self) + ', at most 10'", "n is 11, at most 10")]
    [InlineData("self.missing", "too big")]
    public void MessageExpression_YieldsAStringOrFails_ItsMessageOrTheFixedOne(string messageExpression, string message)
    {
        var rule = new JsonObject { ["rule"] = "self <= 10", ["message"] = "too big", ["messageExpression"] = messageExpression };
        string schema = $$"""
            { "type": "object", "properties": { "n": { "type": "integer", "x-kubernetes-validations": [ {{rule.ToJsonString()}} ] } } }
            """;

        Assert.Equal([$"n: Invalid value: \"integer\": {message}"], Validate(schema, """{ "n": 11 }"""));
    }

    [Fact]
    public void RuleWithoutMessage_FailedRule()
    {
        const string schema = """{ "type": "object", "x-kubernetes-validations": [ { "rule": "has(self.a)" } ], "properties": { "a": { "type": "string" } } }""";

        Assert.Equal(["<root>: Invalid value: \"object\": failed rule: has(self.a)"], Validate(schema, "{}"));
    }

    [Fact]
    public void AdditionalPropertiesMap_ValuesValidatedAndMaxProperties()
    {
        const string schema = """
            { "type": "object", "properties": { "m": { "type": "object", "maxProperties": 2, "additionalProperties": { "type": "string", "maxLength": 3 } } } }
            """;

        Assert.Empty(Validate(schema, """{ "m": { "a": "x", "b": "y" } }"""));
        Assert.Equal(["m.c: Too long: may not be longer than 3", "m: Too many: 3: must have at most 2 items"],
            Validate(schema, """{ "m": { "a": "x", "b": "y", "c": "long" } }""").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ExclusiveMinimum_EqualValueRejected()
    {
        const string schema = """{ "type": "object", "properties": { "n": { "type": "number", "minimum": 0, "exclusiveMinimum": true } } }""";

        Assert.Equal(["n: Invalid value: 0: n in body should be greater than 0"], Validate(schema, """{ "n": 0 }"""));
        Assert.Empty(Validate(schema, """{ "n": 0.5 }"""));
    }

    [Fact]
    public void NestedDefaults_AppliedInsideADefaultedObject()
    {
        const string schema = """
            { "type": "object", "properties": { "outer": { "type": "object", "default": {},
                "properties": { "inner": { "type": "string", "default": "x" } } } } }
            """;
        JsonNode value = new JsonObject();

        SchemaDefaults.Apply(value, JsonNode.Parse(schema)!.AsObject());

        Assert.Equal("""{"outer":{"inner":"x"}}""", value.ToJsonString());
    }
}
