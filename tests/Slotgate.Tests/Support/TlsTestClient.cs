using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Slotgate.Demo;
using Slotgate.Protocol;

namespace Slotgate.Tests.Support;

/// <summary>A RESP client over TLS for tests: sees the certificate the server presented and can present its own.</summary>
internal sealed class TlsTestClient : IAsyncDisposable
{
    private readonly SslStream _stream;

    private TlsTestClient(SslStream stream) => _stream = stream;

    /// <summary>The server's certificate from the handshake.</summary>
    public X509Certificate2 ServerCertificate => new(_stream.RemoteCertificate!);

    /// <summary>Connects and completes the handshake, trusting only <paramref name="caFile"/>.</summary>
    public static async Task<TlsTestClient> ConnectAsync(IPEndPoint endpoint, string caFile, X509Certificate2? clientCertificate = null, string targetHost = "localhost")
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint);
        var stream = new SslStream(new NetworkStream(socket, ownsSocket: true));
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caFile);
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.AddRange(roots);
        try
        {
            await stream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = targetHost,
                CertificateChainPolicy = policy,
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
            });
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
        return new TlsTestClient(stream);
    }

    public async Task<RespValue> CallAsync(params string[] args)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _stream.WriteAsync(RequestFrame.Encode(args), timeout.Token);
        return await LocalRedisClient.ReadReplyAsync(_stream, timeout.Token);
    }

    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}
