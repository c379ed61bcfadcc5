using System.Net.Sockets;

namespace Slotgate.LoadBench.Probes;

/// <summary>PING/PONG on a raw socket: the least a RESP server must answer, with no client library in between.</summary>
internal static class RespPing
{
    private static readonly byte[] Request = "*1\r\n$4\r\nPING\r\n"u8.ToArray();
    private static readonly byte[] Expected = "+PONG\r\n"u8.ToArray();

    /// <summary>Sends PING and reads the reply; true only for exactly <c>+PONG</c>.</summary>
    public static async Task<bool> PingAsync(Socket socket, CancellationToken ct)
    {
        await socket.SendAsync(Request, SocketFlags.None, ct).ConfigureAwait(false);
        byte[] buffer = new byte[Expected.Length];
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, ct).ConfigureAwait(false);
            if (n == 0)
            {
                return false;
            }
            read += n;
        }
        return buffer.AsSpan().SequenceEqual(Expected);
    }
}
