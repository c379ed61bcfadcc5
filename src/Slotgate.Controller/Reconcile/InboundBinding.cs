namespace Slotgate.Controller.Reconcile;

/// <summary>How ztunnel hands a waypoint's inbound traffic to Slotgate (the GatewayClass parameter <c>inboundBinding</c>).</summary>
internal enum InboundBinding
{
    /// <summary>The plain sandwich: the pods are enrolled in ambient and take plain TCP on the listener ports.</summary>
    None,

    /// <summary>
    /// ztunnel sends every connection to port 15088 with a PROXY protocol v2 header carrying the original addresses and
    /// the client's SPIFFE identity (the Gateway's <c>ambient.istio.io/waypoint-inbound-binding: PROXY/15088</c>).
    /// </summary>
    Proxy,
}
