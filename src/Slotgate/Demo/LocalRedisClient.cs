using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Slotgate.Demo;

/// <summary>
/// The smallest RESP2 client that can drive cluster set-up: one TCP connection per command. A fresh connection
/// each time costs well under a millisecond on loopback and means a killed or restarted node can never leave a
/// half-read reply behind on a pooled connection. It does not depend on <c>redis-cli</c>, so the launcher needs
/// only the <c>redis-server</c> package.
/// </summary>
internal static class LocalRedisClient
{
    /// <summary>Sends <paramref name="args"/> to 127.0.0.1:<paramref name="port"/> and returns the reply; RESP errors are returned, not thrown.</summary>
    public static async Task<LocalRedisReply> SendAsync(int port, IReadOnlyList<string> args, TimeSpan timeout, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfZero(args.Count);
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutCts.CancelAfter(timeout);
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeoutCts.Token).ConfigureAwait(false);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await stream.WriteAsync(Encode(args), timeoutCts.Token).ConfigureAwait(false);
            var reader = new LocalRedisReplyReader(stream);
            return await reader.ReadAsync(timeoutCts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"127.0.0.1:{port} did not answer {args[0]} within {timeout.TotalSeconds:0.#} s.");
        }
    }

    private static byte[] Encode(IReadOnlyList<string> args)
    {
        var builder = new StringBuilder();
        builder.Append('*').Append(args.Count.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        foreach (string arg in args)
        {
            builder.Append('$').Append(Encoding.UTF8.GetByteCount(arg).ToString(CultureInfo.InvariantCulture)).Append("\r\n");
            builder.Append(arg).Append("\r\n");
        }
        return Encoding.UTF8.GetBytes(builder.ToString());
    }
}
