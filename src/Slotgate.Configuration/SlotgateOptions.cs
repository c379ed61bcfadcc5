namespace Slotgate.Configuration;

/// <summary>
/// The whole effective configuration: an immutable snapshot, so a reload swaps one reference and readers never see a
/// half-applied change. Built by Slotgate.Hosting's <c>SlotgateConfiguration.Load</c>; defaults here are the documented
/// defaults.
/// </summary>
internal sealed record SlotgateOptions
{
    /// <summary>What a secret is shown as, wherever options are displayed.</summary>
    public const string SecretMask = "***";

    /// <summary>RESP listen endpoints, <c>host:port</c>. 7000 rather than 6379 so a proxy can share a host with a Redis.</summary>
    public IReadOnlyList<string> Listen { get; init; } = ["0.0.0.0:7000"];

    /// <summary>TLS listeners for clients, beside the plaintext ones.</summary>
    public TlsOptions Tls { get; init; } = new();

    /// <summary>Listeners that expect a PROXY protocol header before RESP (sandwich waypoint), and who may send one.</summary>
    public ProxyProtocolOptions ProxyProtocol { get; init; } = new();

    public ClusterOptions Cluster { get; init; } = new();

    public BackendOptions Backend { get; init; } = new();

    public RoutingOptions Routing { get; init; } = new();

    public LimitsOptions Limits { get; init; } = new();

    public AuthOptions Auth { get; init; } = new();
    public ShutdownOptions Shutdown { get; init; } = new();

    public IoOptions Io { get; init; } = new();

    public LoggingOptions Logging { get; init; } = new();

    public AdminOptions Admin { get; init; } = new();

    public DiagnosticsOptions Diagnostics { get; init; } = new();

    /// <summary>Injected faults, for resilience tests (Envoy redis_proxy's <c>faults</c>). Empty: none, the default.</summary>
    public IReadOnlyList<FaultOptions> Faults { get; init; } = [];

    /// <summary>Named upstreams besides the main cluster, for <see cref="Routes"/>. Empty by default.</summary>
    public IReadOnlyList<UpstreamOptions> Upstreams { get; init; } = [];

    /// <summary>Key-prefix routes (Envoy redis_proxy's prefix_routes). Empty by default: every key goes to the main cluster.</summary>
    public RoutesOptions Routes { get; init; } = new();
}
