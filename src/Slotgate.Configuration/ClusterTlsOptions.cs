namespace Slotgate.Configuration;

/// <summary>TLS on the connections to the Redis nodes (the <c>cluster.tls</c> section).</summary>
internal sealed record ClusterTlsOptions
{
    /// <summary>Speak TLS to every node (Redis's <c>tls-port</c>, with <c>tls-cluster yes</c> so nodes announce it).</summary>
    public bool Enabled { get; init; }

    /// <summary>PEM bundle of the CAs the nodes' certificates must chain to; null means the system's trusted roots.</summary>
    public string? CaFile { get; init; }

    /// <summary>
    /// The name sent as SNI and checked against the nodes' certificates. Null uses each node's host as discovered,
    /// which for IP-addressed nodes only matches a certificate with that IP in its subject alternative names.
    /// </summary>
    public string? ServerName { get; init; }

    /// <summary>Accepts any server certificate: encryption without authentication. For tests and emergencies only.</summary>
    public bool InsecureSkipVerify { get; init; }

    /// <summary>PEM client certificate for nodes that verify clients (<c>tls-auth-clients yes</c>).</summary>
    public string? CertFile { get; init; }

    public string? KeyFile { get; init; }
}
