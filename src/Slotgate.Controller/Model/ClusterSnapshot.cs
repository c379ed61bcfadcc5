namespace Slotgate.Controller.Model;

/// <summary>
/// Everything one reconcile pass reads from the API server. The reconciler computes the desired objects and statuses
/// from this alone, so it is a pure function that tests can drive with hand-written inputs.
/// </summary>
internal sealed record ClusterSnapshot
{
    public IReadOnlyList<GatewayClassInput> Classes { get; init; } = [];

    public IReadOnlyList<GatewayInput> Gateways { get; init; } = [];

    public IReadOnlyList<TcpRouteInput> Routes { get; init; } = [];

    public IReadOnlyList<ReferenceGrantInput> ReferenceGrants { get; init; } = [];

    public IReadOnlyList<ServiceInput> Services { get; init; } = [];

    /// <summary>Labels of each namespace, for listeners with <c>allowedRoutes.namespaces.from: Selector</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> NamespaceLabels { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();

    /// <summary>Data of the ConfigMaps that GatewayClasses name as parameters.</summary>
    public IReadOnlyDictionary<ObjectKey, IReadOnlyDictionary<string, string>> ParameterConfigMaps { get; init; } =
        new Dictionary<ObjectKey, IReadOnlyDictionary<string, string>>();

    /// <summary>Ready replicas of each Gateway's Slotgate Deployment (keyed by the Gateway); absent means none.</summary>
    public IReadOnlyDictionary<ObjectKey, int> ReadyReplicas { get; init; } = new Dictionary<ObjectKey, int>();

    /// <summary>
    /// The <c>gateway.networking.k8s.io/bundle-version</c> annotation of the installed Gateway CRD, or null when it
    /// could not be read (no permission, not served).
    /// </summary>
    public string? GatewayApiBundleVersion { get; init; }
}
