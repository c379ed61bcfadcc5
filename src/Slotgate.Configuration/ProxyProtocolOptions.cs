namespace Slotgate.Configuration;

/// <summary>
/// Listeners whose connections start with a PROXY protocol header (v2 binary or v1 text) before RESP, as ztunnel sends
/// to a waypoint bound with <c>ambient.istio.io/waypoint-inbound-binding: PROXY/15088</c>. The header's source address
/// becomes the client's address everywhere Slotgate shows one, and its TLV 0xD0 the client's identity.
/// </summary>
internal sealed record ProxyProtocolOptions
{
    /// <summary>Plain-TCP RESP listeners that require the header, <c>host:port</c>; empty (none) by default.</summary>
    public IReadOnlyList<string> Listen { get; init; } = [];

    /// <summary>CIDRs of the peers allowed to send a header; a connection from anywhere else is closed.</summary>
    public IReadOnlyList<string> TrustedProxies { get; init; } = ["127.0.0.0/8", "::1/128"];

    /// <summary>How long a new connection has to deliver its whole header.</summary>
    public TimeSpan HeaderTimeout { get; init; } = TimeSpan.FromSeconds(3);

    public bool Enabled => Listen.Count > 0;
}
