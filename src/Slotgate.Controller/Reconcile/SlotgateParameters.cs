namespace Slotgate.Controller.Reconcile;

/// <summary>
/// Settings for a class's Slotgate pods, from the GatewayClass's parametersRef ConfigMap: <c>image</c>,
/// <c>replicas</c>, <c>inboundBinding</c>, <c>drainDelay</c>, <c>trustedProxies</c>, and any number of
/// <c>settings.PATH</c> keys, each a Slotgate option by its path (<c>settings.logging.logLevel: Debug</c>) passed to the
/// pods as <c>SLOTGATE_LOGGING__LOGLEVEL</c>.
/// </summary>
internal sealed record SlotgateParameters(
    string Image,
    int Replicas,
    IReadOnlyList<KeyValuePair<string, string>> Settings,
    InboundBinding InboundBinding = InboundBinding.None,
    string DrainDelay = SlotgateParameters.DefaultDrainDelay,
    IReadOnlyList<string>? TrustedProxies = null,
    TimeSpan? ShutdownBudget = null)
{
    public const string DefaultDrainDelay = "5s";

    /// <summary>Loopback only, as Slotgate's own default: a PROXY header is trusted from the pod itself.</summary>
    public static readonly IReadOnlyList<string> DefaultTrustedProxies = ["127.0.0.0/8", "::1/128"];

    public static readonly SlotgateParameters Default = new(GatewayApi.DefaultImage, 2, []);

    public IReadOnlyList<string> EffectiveTrustedProxies => TrustedProxies ?? DefaultTrustedProxies;

    /// <summary>drainDelay + drainTimeout: how long a pod may take to stop after SIGTERM.</summary>
    public TimeSpan EffectiveShutdownBudget => ShutdownBudget ?? TimeSpan.FromSeconds(5 + 10);
}
