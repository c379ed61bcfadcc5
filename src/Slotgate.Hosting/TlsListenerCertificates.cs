using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Slotgate.Configuration;

namespace Slotgate.Hosting;

/// <summary>
/// The TLS listeners' certificate and client-certificate policy. Every handshake asks <see cref="CreateOptions"/> for
/// its settings, which are built from the material loaded last, so a replaced certificate file applies to the next
/// connection without a restart; connections already open keep the certificate they were made with.
/// </summary>
internal sealed class TlsListenerCertificates : IDisposable
{
    /// <summary>Where a rejected client certificate's reason is left for the handshake-failure log line.</summary>
    public const string FailureItem = "slotgate.tls.failure";

    private readonly TlsOptions _options;
    private readonly FileChangePoller _poller;
    private Material _material;

    public TlsListenerCertificates(TlsOptions options, ILogger logger)
    {
        _options = options;
        string[] files = [.. new[] { options.CertFile, options.KeyFile, options.ClientCaFile }.OfType<string>()];
        // The poller takes its first fingerprint before the first load, so a change in between is seen at the next poll.
        _poller = new FileChangePoller("TLS listener certificate", files, options.ReloadInterval,
            () => Volatile.Write(ref _material, Load(options)), logger);
        _material = Load(options);
    }

    /// <summary>The certificate new handshakes present.</summary>
    public X509Certificate2 Certificate => Volatile.Read(ref _material).Certificate;

    /// <summary>Checks the files now instead of at the next poll; true when a new certificate was loaded.</summary>
    public bool ReloadNow() => _poller.Poll();

    /// <summary>The handshake settings for one incoming connection.</summary>
    public SslServerAuthenticationOptions CreateOptions(ConnectionContext connection)
    {
        Material material = Volatile.Read(ref _material);
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = material.Context,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        if (_options.ClientCertificates == "none" || material.ClientRoots is null)
        {
            return options;
        }
        bool required = _options.ClientCertificates == "required";
        // Asked for in both modes; "optional" then accepts a client that sends none (Redis's tls-auth-clients optional).
        options.ClientCertificateRequired = true;
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(material.ClientRoots);
        options.CertificateChainPolicy = policy;
        options.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null)
            {
                if (required)
                {
                    connection.Items[FailureItem] = "the client sent no certificate (tls.clientCertificates is required)";
                }
                return !required;
            }
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }
            connection.Items[FailureItem] = $"client certificate '{certificate.Subject}' rejected ({errors})";
            return false;
        };
        return options;
    }

    public void Dispose() => _poller.Dispose();

    private static Material Load(TlsOptions options)
    {
        (X509Certificate2 leaf, X509Certificate2Collection chain) = PemFiles.LoadCertificateWithKey(options.CertFile!, options.KeyFile!);
        X509Certificate2Collection? roots = options.ClientCaFile is null ? null : PemFiles.LoadCertificates(options.ClientCaFile);
        return new Material(leaf, SslStreamCertificateContext.Create(leaf, chain, offline: true), roots);
    }

    private sealed record Material(X509Certificate2 Certificate, SslStreamCertificateContext Context, X509Certificate2Collection? ClientRoots);
}
