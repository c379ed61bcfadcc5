using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.ApiServer;

public sealed class TestApiServerOptions
{
    /// <summary>
    /// Validates every object before it is stored (new object, old object or null on create); errors make the request
    /// fail with 422 Invalid, listing them as causes. Null validates nothing.
    /// </summary>
    public Func<JsonObject, JsonObject?, IReadOnlyList<string>>? Validate { get; init; }

    /// <summary>
    /// Serve HTTPS with a throw-away CA (clients and kubeconfigs made by the server trust it), as a real API server does.
    /// kubectl sends credentials only over TLS; KubernetesClient works either way. Off: plain HTTP.
    /// </summary>
    public bool Tls { get; init; }

    /// <summary>
    /// When set, the server ends every watch stream after this long even without timeoutSeconds, as a real API server
    /// ends watches after a randomized <c>--min-request-timeout</c> (30 to 60 minutes by default).
    /// </summary>
    public TimeSpan? WatchLifetime { get; init; }

    /// <summary>What <c>/version</c> reports.</summary>
    public string KubernetesVersion { get; init; } = "v1.26.15";
}
