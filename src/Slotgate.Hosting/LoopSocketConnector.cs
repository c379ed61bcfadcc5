using System.Net;
using System.Net.Sockets;
using Slotgate.Backend;
using Slotgate.Transport;

namespace Slotgate.Hosting;

/// <summary>
/// Backend connections on the event loops (<c>transport: epoll</c>). A connection is placed on the loop of the thread
/// that asked for it, which for a node connection opened by a client's command is that client's loop.
/// </summary>
internal sealed class LoopSocketConnector(EventLoopGroup loops) : IBackendConnector
{
    // Many clients' commands share a node connection: let more queue before the writers wait.
    private const int InputPause = 4 * 1024 * 1024;
    private const int OutputPause = 4 * 1024 * 1024;
    private static long s_nextId;

    public async Task<BackendTransport> ConnectAsync(string endpoint, CancellationToken cancellationToken)
    {
        EventLoop loop = loops.CurrentOrNext();
        var (host, port) = BackendConnection.SplitEndpoint(endpoint);
        IPAddress address = IPAddress.TryParse(host, out IPAddress? literal)
            ? literal
            : (await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false)) is { Length: > 0 } resolved
                ? Array.Find(resolved, a => a.AddressFamily == AddressFamily.InterNetwork) ?? resolved[0]
                : throw new SocketException((int)SocketError.HostNotFound);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, Blocking = false };
        try
        {
            try
            {
                socket.Connect(new IPEndPoint(address, port));
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
            {
                await WaitConnectedAsync(loop, socket, cancellationToken).ConfigureAwait(false);
            }
            var connection = new LoopConnection(loop, socket, InputPause, OutputPause, "B" + Interlocked.Increment(ref s_nextId).ToString(System.Globalization.CultureInfo.InvariantCulture));
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            loop.Post(static state =>
            {
                var (connection, started) = ((LoopConnection, TaskCompletionSource))state!;
                try
                {
                    connection.Start();
                    started.TrySetResult();
                }
                catch (Exception ex)
                {
                    started.TrySetException(ex);
                }
            }, (connection, started));
            await started.Task.ConfigureAwait(false);
            return new BackendTransport(connection.Transport, () =>
            {
                connection.Abort();
                _ = connection.DisposeAsync().AsTask();
            });
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Waits on the loop until the non-blocking connect finishes; throws its error.</summary>
    private static async Task WaitConnectedAsync(EventLoop loop, Socket socket, CancellationToken cancellationToken)
    {
        var waiter = new ConnectWaiter(loop, socket);
        loop.Post(static state => ((ConnectWaiter)state!).Register(), waiter);
        try
        {
            await waiter.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            var unregistered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            loop.Post(static state =>
            {
                var (waiter, unregistered) = ((ConnectWaiter, TaskCompletionSource))state!;
                waiter.Unregister();
                unregistered.TrySetResult();
            }, (waiter, unregistered));
            await unregistered.Task.ConfigureAwait(false);
        }
        int error = (int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
        if (error != 0)
        {
            throw new SocketException(error);
        }
    }

    private sealed class ConnectWaiter(EventLoop loop, Socket socket) : IEventHandler
    {
        private readonly int _fd = (int)socket.Handle;
        private int _slot = -1;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Register()
        {
            try
            {
                _slot = loop.Register(_fd, Native.EPOLLOUT, this);
            }
            catch (Exception ex)
            {
                Done.TrySetException(ex);
            }
        }

        public void Unregister()
        {
            if (_slot >= 0)
            {
                loop.Unregister(_fd, _slot);
                _slot = -1;
            }
        }

        public void OnEvents(uint events) => Done.TrySetResult();
    }
}
