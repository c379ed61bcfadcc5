using System.Text.Json.Nodes;
using Slotgate.Controller.Tests.Schemas;

namespace Slotgate.Controller.Tests.SchemaTests;

/// <summary>The shape the test API server relies on: a delegate from (new, old) to the errors.</summary>
public sealed class SchemaValidatorContractTests
{
    [Fact]
    public void Validate_AsApiServerDelegate_ReportsUpdateErrors()
    {
        Func<JsonObject, JsonObject?, IReadOnlyList<string>> validate = SchemaValidator.Shared.Validate;
        JsonObject old = Objects.GatewayClass();
        JsonObject changed = Objects.GatewayClass();
        changed["spec"]!["controllerName"] = "example.com/other";

        Assert.Empty(validate(old, null));
        Assert.Equal(["spec.controllerName: Invalid value: \"string\": Value is immutable"], validate(changed, old));
    }

    [Fact]
    public void Validate_MissingKind_RequiredValue()
    {
        JsonObject obj = Objects.Deployment();
        obj.Remove("kind");

        Assert.Equal(["kind: Required value"], SchemaValidator.Shared.Validate(obj));
    }

    [Fact]
    public void Validate_MissingName_RequiredValue()
    {
        JsonObject obj = Objects.Gateway();
        obj["metadata"]!.AsObject().Remove("name");

        Assert.Equal(["metadata.name: Required value: name or generateName is required"], SchemaValidator.Shared.Validate(obj));
    }
}
