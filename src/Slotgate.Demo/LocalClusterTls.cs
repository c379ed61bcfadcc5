using System.Security.Cryptography.X509Certificates;

namespace Slotgate.Demo;

/// <summary>
/// TLS for a <see cref="LocalRedisCluster"/>: every node serves TLS only (<c>port 0</c>, <c>tls-port</c> on the node's
/// port) and talks TLS on the cluster bus and for replication, with one certificate used as both server and client
/// certificate, as in Redis's own TLS test set-up.
/// </summary>
internal sealed record LocalClusterTls
{
    /// <summary>PEM certificate of the nodes; it must be valid for server and client authentication.</summary>
    public required string CertFile { get; init; }

    public required string KeyFile { get; init; }

    /// <summary>PEM bundle the nodes trust for client and peer certificates.</summary>
    public required string CaFile { get; init; }

    /// <summary>Redis's <c>tls-auth-clients</c>: <c>yes</c> (client certificate required), <c>optional</c> or <c>no</c>.</summary>
    public string AuthClients { get; init; } = "yes";

    private X509Certificate2? _clientCertificate;

    /// <summary>The nodes' certificate with its key, which the launcher presents when it talks to them itself.</summary>
    internal X509Certificate2 ClientCertificate => _clientCertificate ??= X509Certificate2.CreateFromPemFile(CertFile, KeyFile);
}
