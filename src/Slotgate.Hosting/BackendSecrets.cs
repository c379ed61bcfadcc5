using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Slotgate.Backend;
using Slotgate.Configuration;

namespace Slotgate.Hosting;

/// <summary>
/// The backend credentials and TLS material, built from <c>cluster.*</c> and kept current: while the host runs, the
/// username/password files and the <c>cluster.tls</c> files are polled every <c>cluster.fileReloadInterval</c> and
/// changes apply to connections opened afterwards (established connections stay authenticated, as in Redis).
/// </summary>
internal sealed partial class BackendSecrets : IHostedService, IDisposable
{
    private readonly ClusterOptions _options;
    private readonly BackendCredentials _credentials;
    private readonly TlsBackendConnector? _tls;
    private readonly ILogger _logger;
    private readonly List<FileChangePoller> _pollers = [];

    public BackendSecrets(ClusterOptions options, BackendCredentials credentials, TlsBackendConnector? tls, ILogger<BackendSecrets> logger)
    {
        _options = options;
        _credentials = credentials;
        _tls = tls;
        _logger = logger;
    }

    /// <summary>The credentials as configured now: inline values, or the files' current content.</summary>
    public static BackendCredentials LoadCredentials(ClusterOptions options)
    {
        (string? username, string? password) = ReadCredentials(options);
        return new BackendCredentials(username, password);
    }

    public static BackendTlsMaterial LoadTlsMaterial(ClusterTlsOptions tls)
    {
        SslStreamCertificateContext? client = null;
        if (tls.CertFile is not null && tls.KeyFile is not null)
        {
            (X509Certificate2 leaf, X509Certificate2Collection chain) = PemFiles.LoadCertificateWithKey(tls.CertFile, tls.KeyFile);
            client = SslStreamCertificateContext.Create(leaf, chain, offline: true);
        }
        return new BackendTlsMaterial
        {
            TrustedRoots = tls.CaFile is null ? null : PemFiles.LoadCertificates(tls.CaFile),
            ClientCertificate = client,
            ServerName = tls.ServerName,
            InsecureSkipVerify = tls.InsecureSkipVerify,
        };
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        string[] secretFiles = [.. new[] { _options.UsernameFile, _options.PasswordFile }.OfType<string>()];
        if (secretFiles.Length > 0)
        {
            _pollers.Add(new FileChangePoller("cluster credentials", secretFiles, _options.FileReloadInterval, ReloadCredentials, _logger));
            // The credentials were read when the services were registered; read again now that the poller has its first
            // fingerprint, so a change in between is not missed.
            TryReload(ReloadCredentials);
        }
        ClusterTlsOptions tls = _options.Tls;
        string[] tlsFiles = [.. new[] { tls.CaFile, tls.CertFile, tls.KeyFile }.OfType<string>()];
        if (_tls is not null && tlsFiles.Length > 0)
        {
            _pollers.Add(new FileChangePoller("cluster TLS files", tlsFiles, _options.FileReloadInterval,
                () => _tls.Update(LoadTlsMaterial(tls)), _logger));
            TryReload(() => _tls.Update(LoadTlsMaterial(tls)));
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Checks every watched file now (tests use it instead of waiting for the timer).</summary>
    internal void PollNow()
    {
        foreach (FileChangePoller poller in _pollers)
        {
            poller.Poll();
        }
    }

    public void Dispose()
    {
        foreach (FileChangePoller poller in _pollers)
        {
            poller.Dispose();
        }
        _pollers.Clear();
    }

    private void ReloadCredentials()
    {
        (string? username, string? password) = ReadCredentials(_options);
        _credentials.Update(username, password);
    }

    private void TryReload(Action reload)
    {
        try
        {
            reload();
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException or ArgumentException or System.Security.Cryptography.CryptographicException)
        {
            // Keeps what was loaded at registration; the poller reports the problem when it sees the files change.
            Log.RereadFailed(_logger, ex.Message);
        }
    }

    private static (string? Username, string? Password) ReadCredentials(ClusterOptions options) => (
        options.UsernameFile is null ? options.Username : PemFiles.ReadSecret(options.UsernameFile),
        options.PasswordFile is null ? options.Password : PemFiles.ReadSecret(options.PasswordFile));

    private static partial class Log
    {
        [LoggerMessage(EventId = 660, Level = LogLevel.Debug, Message = "Could not re-read the cluster secret files at start: {Error}")]
        public static partial void RereadFailed(ILogger logger, string error);
    }
}
