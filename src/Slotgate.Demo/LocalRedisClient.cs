using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using Slotgate.Protocol;

namespace Slotgate.Demo;

/// <summary>
/// The smallest RESP2 client that can drive cluster set-up: one TCP connection per command. A fresh connection
/// each time costs well under a millisecond on loopback and means a killed or restarted node can never leave a
/// half-read reply behind on a pooled connection. It does not depend on <c>redis-cli</c>, so the launcher needs
/// only the <c>redis-server</c> package. Encoding and decoding are the protocol layer's (<see cref="RequestFrame"/>,
/// <see cref="RespScanner"/>, <see cref="RespValue"/>).
/// </summary>
internal static class LocalRedisClient
{
    /// <summary>
    /// Sends <paramref name="args"/> to 127.0.0.1:<paramref name="port"/> and returns the reply; RESP errors are returned,
    /// not thrown. With <paramref name="password"/>, AUTH goes first (a failed AUTH is the reply); with
    /// <paramref name="tls"/>, the connection is TLS and presents the nodes' own certificate.
    /// </summary>
    public static async Task<RespValue> SendAsync(int port, IReadOnlyList<string> args, TimeSpan timeout, CancellationToken ct, string? password = null, LocalClusterTls? tls = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(args.Count);
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutCts.CancelAfter(timeout);
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeoutCts.Token).ConfigureAwait(false);
            await using Stream stream = tls is null
                ? new NetworkStream(socket, ownsSocket: false)
                : await AuthenticateAsync(socket, tls, timeoutCts.Token).ConfigureAwait(false);
            if (password is not null)
            {
                await stream.WriteAsync(Encode(["AUTH", password]), timeoutCts.Token).ConfigureAwait(false);
                RespValue auth = await ReadReplyAsync(stream, timeoutCts.Token).ConfigureAwait(false);
                if (auth.IsError)
                {
                    return auth;
                }
            }
            await stream.WriteAsync(Encode(args), timeoutCts.Token).ConfigureAwait(false);
            return await ReadReplyAsync(stream, timeoutCts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"127.0.0.1:{port} did not answer {args[0]} within {timeout.TotalSeconds:0.#} s.");
        }
    }

    /// <summary>
    /// Reads one complete reply from <paramref name="stream"/>. A connection that closes mid-reply or bytes that are not
    /// RESP throw <see cref="IOException"/>, which the launcher treats like any other failed connection.
    /// </summary>
    public static async Task<RespValue> ReadReplyAsync(Stream stream, CancellationToken ct)
    {
        PipeReader reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync(ct).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                if (TryParse(buffer, out RespValue? reply, out SequencePosition end))
                {
                    reader.AdvanceTo(end);
                    return reply;
                }
                if (result.IsCompleted)
                {
                    throw new IOException("Connection closed before the reply was complete.");
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static async Task<Stream> AuthenticateAsync(Socket socket, LocalClusterTls tls, CancellationToken ct)
    {
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false));
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "127.0.0.1",
                ClientCertificates = [tls.ClientCertificate],
                // The launcher only talks to processes it started on loopback with certificates it was given; what is
                // under test is Slotgate's verification, not the launcher's.
                RemoteCertificateValidationCallback = static (_, _, _, _) => true,
            }, ct).ConfigureAwait(false);
            return ssl;
        }
        catch (AuthenticationException ex)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"TLS handshake with 127.0.0.1 failed: {ex.Message}", ex);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static bool TryParse(ReadOnlySequence<byte> buffer, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out RespValue? reply, out SequencePosition end)
    {
        var scanner = new SequenceReader<byte>(buffer);
        try
        {
            if (!RespScanner.TrySkipValue(ref scanner))
            {
                reply = null;
                end = buffer.Start;
                return false;
            }
            end = scanner.Position;
            reply = RespValue.Parse(buffer.Slice(buffer.Start, end));
            return true;
        }
        catch (RespProtocolException ex)
        {
            throw new IOException(ex.Message, ex);
        }
    }

    private static ReadOnlyMemory<byte> Encode(IReadOnlyList<string> args)
    {
        var frame = new RequestFrame();
        frame.Begin(args.Count);
        foreach (string arg in args)
        {
            frame.AppendArg(Encoding.UTF8.GetBytes(arg));
        }
        return frame.Memory;
    }
}
