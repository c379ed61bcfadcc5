using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.ApiServer;

public sealed class TestApiServerOptions
{
    /// <summary>
    /// Validates every object before it is stored (new object, old object or null on create); errors make the request
    /// fail with 422 Invalid, listing them as causes. Null validates nothing.
    /// </summary>
    public Func<JsonObject, JsonObject?, IReadOnlyList<string>>? Validate { get; init; }

    /// <summary>What <c>/version</c> reports.</summary>
    public string KubernetesVersion { get; init; } = "v1.26.15";
}
