using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Slotgate.Backend;

/// <summary>
/// TLS to the nodes: the socket, an <see cref="SslStream"/> over it, and stream pipes over that. Used only when
/// <c>cluster.tls.enabled</c> is set, so the plaintext connector (Kestrel's socket pipes) is untouched otherwise.
/// The trust material is read at each handshake, so a reloaded CA bundle or client certificate applies to the next
/// connection.
/// </summary>
internal sealed class TlsBackendConnector : IBackendConnector
{
    private BackendTlsMaterial _material;

    public TlsBackendConnector(BackendTlsMaterial material)
    {
        _material = material;
    }

    public BackendTlsMaterial Material => Volatile.Read(ref _material);

    /// <summary>Connections opened from now on use <paramref name="material"/>.</summary>
    public void Update(BackendTlsMaterial material) => Volatile.Write(ref _material, material);

    public async Task<BackendTransport> ConnectAsync(string endpoint, CancellationToken cancellationToken)
    {
        Socket socket = await BackendSockets.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(CreateOptions(endpoint, Material), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"TLS handshake failed: {ex.Message}", ex);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        var pipe = new StreamDuplexPipe(
            PipeReader.Create(ssl, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4096)),
            PipeWriter.Create(ssl, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024)));
        return new BackendTransport(pipe, () =>
        {
            // Closing the socket ends pending reads and writes at once; disposing the SslStream then frees its state.
            BackendSockets.Close(socket);
            ssl.Dispose();
        });
    }

    internal static SslClientAuthenticationOptions CreateOptions(string endpoint, BackendTlsMaterial material)
    {
        var (host, _) = BackendConnection.SplitEndpoint(endpoint);
        var options = new SslClientAuthenticationOptions
        {
            // An IP address here sends no SNI, and the name check then looks for the IP in the certificate's SANs.
            TargetHost = material.ServerName ?? host,
            ClientCertificateContext = material.ClientCertificate,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        if (material.InsecureSkipVerify)
        {
            options.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (material.TrustedRoots is { } roots)
        {
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(roots);
            options.CertificateChainPolicy = policy;
        }
        return options;
    }

    private sealed class StreamDuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}
