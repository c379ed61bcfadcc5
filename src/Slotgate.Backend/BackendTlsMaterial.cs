using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Slotgate.Backend;

/// <summary>
/// What a TLS connection to a node is checked against and presents, loaded from the <c>cluster.tls</c> files.
/// Immutable: a reload builds a new one and swaps it in, so a handshake sees one consistent set.
/// </summary>
internal sealed class BackendTlsMaterial
{
    /// <summary>CAs the nodes' certificates must chain to; null trusts the system's roots.</summary>
    public X509Certificate2Collection? TrustedRoots { get; init; }

    /// <summary>The certificate Slotgate presents to nodes that ask for one.</summary>
    public SslStreamCertificateContext? ClientCertificate { get; init; }

    /// <summary>The SNI name and the name checked in the nodes' certificates; null uses each node's host.</summary>
    public string? ServerName { get; init; }

    /// <summary>No certificate check at all (cluster.tls.insecureSkipVerify).</summary>
    public bool InsecureSkipVerify { get; init; }
}
