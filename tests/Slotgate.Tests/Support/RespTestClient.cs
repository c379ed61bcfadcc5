using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Slotgate.Tests.Support;

/// <summary>
/// The tests' RESP client, over TCP, TLS or in-memory pipes, for tests that must see exact bytes: send anything (even
/// malformed input), read complete replies back as decoded values or raw text. Its awaits do not capture a context,
/// so the blocking <see cref="Call"/> is safe where a test or fixture cannot be asynchronous.
/// </summary>
internal sealed class RespTestClient : IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private readonly Stream _input;
    private readonly Stream _output;
    private readonly byte[] _buffer = new byte[1 << 20];
    private int _start;
    private int _end;

    private RespTestClient(Stream input, Stream output)
    {
        _input = input;
        _output = output;
    }

    /// <summary>The certificate the server presented, on a TLS connection.</summary>
    public X509Certificate2 ServerCertificate => new(((SslStream)_input).RemoteCertificate!);

    public static async Task<RespTestClient> ConnectAsync(IPEndPoint endpoint)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint).ConfigureAwait(false);
        var stream = new NetworkStream(socket, ownsSocket: true);
        return new RespTestClient(stream, stream);
    }

    /// <summary>A connection to a local server on <paramref name="port"/>, made synchronously (for fixtures).</summary>
    public static RespTestClient Connect(int port) => ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).GetAwaiter().GetResult();

    /// <summary>Connects and completes the TLS handshake, trusting only <paramref name="caFile"/>.</summary>
    public static async Task<RespTestClient> ConnectTlsAsync(IPEndPoint endpoint, string caFile, X509Certificate2? clientCertificate = null, string targetHost = "localhost")
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint).ConfigureAwait(false);
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
            }).ConfigureAwait(false);
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new RespTestClient(stream, stream);
    }

    /// <summary>A client on the client's end of an in-memory connection (<see cref="InMemory.InMemoryProxy.Connect"/>).</summary>
    public static RespTestClient Over(IDuplexPipe connection) => new(connection.Input.AsStream(), connection.Output.AsStream());

    public static byte[] Encode(params string[] args) => RequestFrame.Encode(args);

    public Task SendRawAsync(string text) => SendRawAsync(Encoding.UTF8.GetBytes(text));

    public Task SendRawAsync(byte[] bytes) => SendRawAsync(bytes.AsMemory());

    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes)
    {
        await _output.WriteAsync(bytes).ConfigureAwait(false);
        await _output.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Half-closes a TCP connection: the server reads end-of-stream, and can still answer.</summary>
    public void ShutdownSend() => ((NetworkStream)_output).Socket.Shutdown(SocketShutdown.Send);

    public Task SendAsync(params string[] args) => SendRawAsync(Encode(args));

    /// <summary>Sends one command and returns its decoded reply.</summary>
    public async Task<RespValue> CallAsync(params string[] args)
    {
        await SendAsync(args).ConfigureAwait(false);
        return await ReadAsync().ConfigureAwait(false);
    }

    /// <summary><see cref="CallAsync"/>, blocking.</summary>
    public RespValue Call(params string[] args) => CallAsync(args).GetAwaiter().GetResult();

    /// <summary>Reads one complete reply (waits up to <paramref name="timeout"/>, default 10 s).</summary>
    public async Task<RespValue> ReadAsync(TimeSpan? timeout = null) => RespValue.Parse(await ReadRawAsync(timeout).ConfigureAwait(false));

    public async Task<byte[]> ReadRawAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            var sequence = new ReadOnlySequence<byte>(_buffer, _start, _end - _start);
            var reader = new SequenceReader<byte>(sequence);
            if (RespScanner.TrySkipValue(ref reader))
            {
                byte[] reply = sequence.Slice(0, reader.Consumed).ToArray();
                _start += (int)reader.Consumed;
                return reply;
            }
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            int read = await _input.ReadAsync(_buffer.AsMemory(_end), cts.Token).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("connection closed by the server");
            }
            _end += read;
        }
    }

    /// <summary>True when the server closes the connection within <paramref name="timeout"/>.</summary>
    public async Task<bool> IsClosedByServerAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            byte[] scratch = new byte[1024];
            while (true)
            {
                int read = await _input.ReadAsync(scratch, cts.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _input.DisposeAsync().ConfigureAwait(false);
        await _output.DisposeAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        _input.Dispose();
        _output.Dispose();
    }
}
