using System.Text.Json.Nodes;
using Slotgate.Controller.Tests.ApiServer;
using Slotgate.Controller.Tests.Schemas;

namespace Slotgate.Controller.Tests.SchemaTests;

/// <summary>
/// The Gateway API CRDs themselves, as objects a Kubernetes 1.26 API server accepts: the test API server installs them
/// through the same validation as every other object.
/// </summary>
public sealed class CrdObjectTests
{
    [Fact]
    public void Validate_EveryGatewayApiCrd_Accepted()
    {
        var failures = TestApiServer.GatewayApiCrds()
            .SelectMany(crd => SchemaValidator.Shared.Validate(crd).Select(e => $"{crd["metadata"]!["name"]}: {e}"))
            .ToList();

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void Validate_CrdWithUndeclaredSchemaField_Rejected()
    {
        JsonObject crd = TestApiServer.GatewayApiCrds().First(c => (string?)c["metadata"]!["name"] == "tcproutes.gateway.networking.k8s.io");
        crd["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["x-kubernetes-list-kind"] = "map";

        Assert.Contains(".spec.versions[0].schema.openAPIV3Schema.x-kubernetes-list-kind: field not declared in schema",
            SchemaValidator.Shared.Validate(crd));
    }
}
