namespace Slotgate.Configuration;

/// <summary>
/// TLS for clients (the <c>tls</c> section): extra listeners that speak RESP over TLS, beside the plaintext
/// <see cref="SlotgateOptions.Listen"/> ones, as Redis's <c>tls-port</c> sits beside <c>port</c>.
/// </summary>
internal sealed record TlsOptions
{
    public static readonly string[] ClientCertificateModes = ["none", "optional", "required"];

    /// <summary>TLS listen endpoints, <c>host:port</c>. Empty (the default) means no TLS listener.</summary>
    public IReadOnlyList<string> Listen { get; init; } = [];

    /// <summary>PEM file with the server certificate, optionally followed by its intermediates.</summary>
    public string? CertFile { get; init; }

    /// <summary>PEM file with the certificate's private key (PKCS#8, PKCS#1 or SEC1), unencrypted.</summary>
    public string? KeyFile { get; init; }

    /// <summary>PEM bundle of the CAs that client certificates must chain to.</summary>
    public string? ClientCaFile { get; init; }

    /// <summary>
    /// <c>none</c> (no certificate asked for), <c>optional</c> (asked for; one that is sent must be valid) or
    /// <c>required</c> (a client without a valid certificate is refused), like Redis's <c>tls-auth-clients</c>.
    /// </summary>
    public string ClientCertificates { get; init; } = "none";

    /// <summary>How often the certificate, key and CA files are checked for changes.</summary>
    public TimeSpan ReloadInterval { get; init; } = TimeSpan.FromSeconds(10);

    public bool Enabled => Listen.Count > 0;
}
