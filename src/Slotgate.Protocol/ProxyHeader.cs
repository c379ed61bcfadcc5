using System.Net;

namespace Slotgate.Protocol;

/// <summary>
/// What a PROXY protocol header (v1 text or v2 binary) said about a connection: who the proxy in front of Slotgate
/// accepted it from (<see cref="Source"/>), which address that client dialled (<see cref="Destination"/>), and, in v2,
/// the peer's authenticated identity (Istio's TLV 0xD0, a SPIFFE ID).
/// </summary>
/// <param name="Version">1 for the text form, 2 for the binary one.</param>
/// <param name="Source">
/// The original client; null when the header carries no usable address (v2 LOCAL, the proxy's own health check; v2
/// UNSPEC or UNIX; v1 UNKNOWN), in which case the socket's own addresses stand.
/// </param>
/// <param name="Destination">The address the client connected to; null exactly when <paramref name="Source"/> is.</param>
/// <param name="Identity">The peer identity from TLV 0xD0 (v2 PROXY command only), or null.</param>
internal sealed record ProxyHeader(int Version, IPEndPoint? Source, IPEndPoint? Destination, string? Identity)
{
    /// <summary>True for a v2 LOCAL header: a connection the proxy opened itself (a health check), not a client's.</summary>
    public bool IsLocal { get; init; }
}
