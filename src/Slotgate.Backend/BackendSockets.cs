using System.Net.Sockets;

namespace Slotgate.Backend;

/// <summary>Socket set-up shared by the connectors.</summary>
internal static class BackendSockets
{
    /// <summary>Resolves and connects to <c>host:port</c> with Nagle off (Redis commands are small and latency-bound).</summary>
    public static async Task<Socket> ConnectAsync(string endpoint, CancellationToken cancellationToken)
    {
        var (host, port) = BackendConnection.SplitEndpoint(endpoint);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static void Close(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
        socket.Dispose();
    }
}
