using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Slotgate.Transport;

namespace Slotgate.Hosting;

/// <summary>
/// Accepts RESP clients on the event loops (<c>transport: epoll</c>) and serves each with the same
/// <see cref="RespConnectionHandler"/> Kestrel would. Every loop waits on every listening socket (one of them is woken
/// per connection), and a client stays on the loop that accepted it.
/// </summary>
internal sealed partial class LoopListener : IHostedService, IDisposable
{
    private const int InputPause = 1024 * 1024;
    private const int OutputPause = 64 * 1024;

    private readonly EventLoopGroup _loops;
    private readonly ILogger _logger;
    private readonly List<(Socket Socket, ConnectionHandler Handler)> _sockets = [];
    private readonly List<Acceptor> _acceptors = [];
    private readonly ConcurrentDictionary<LoopConnection, Task> _connections = new();
    private long _nextId;

    public LoopListener(EventLoopGroup loops, ILogger<LoopListener> logger)
    {
        _loops = loops;
        _logger = logger;
    }

    /// <summary>
    /// Binds <paramref name="endpoint"/> now (so port 0 gets its real port at once); accepting starts with the host.
    /// Its connections go to <paramref name="handler"/> (RESP, or a PROXY protocol header first).
    /// </summary>
    public IPEndPoint Bind(IPEndPoint endpoint, ConnectionHandler handler)
    {
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            // As Kestrel does off Windows: a restarted Slotgate can bind while old connections linger in TIME_WAIT.
            // SO_REUSEADDR alone: .NET's ReuseAddress also sets SO_REUSEPORT, which would let a second process bind
            // the same port and take half the connections instead of failing to start.
            socket.SetRawSocketOption(Native.SOL_SOCKET, Native.SO_REUSEADDR, BitConverter.GetBytes(1));
            if (endpoint.AddressFamily == AddressFamily.InterNetworkV6 && endpoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }
            // Accepted sockets inherit TCP_NODELAY from the listening one on Linux: one system call per client saved.
            socket.NoDelay = true;
            socket.Bind(endpoint);
            socket.Listen(512);
            socket.Blocking = false;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        _sockets.Add((socket, handler));
        return (IPEndPoint)socket.LocalEndPoint!;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach ((Socket socket, ConnectionHandler handler) in _sockets)
        {
            foreach (EventLoop loop in _loops.Loops)
            {
                var acceptor = new Acceptor(this, loop, socket, handler);
                _acceptors.Add(acceptor);
                loop.Post(static state => ((Acceptor)state!).Start(), acceptor);
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>Stops accepting, then waits for the sessions to answer what they have read (the host's shutdown timeout), then closes the rest.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var stopped = new List<Task>();
        foreach (Acceptor acceptor in _acceptors)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            acceptor.Loop.Post(static state =>
            {
                var (acceptor, done) = ((Acceptor, TaskCompletionSource))state!;
                acceptor.Close();
                done.TrySetResult();
            }, (acceptor, done));
            stopped.Add(done.Task);
        }
        bool allStopped = true;
        try
        {
            await Task.WhenAll(stopped).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A loop that does not run its posted work within 5 s is stuck: shutdown goes on without it rather than
            // failing the host's stop. Its listening socket stays open until the process exits, since the loop may
            // still unregister it later, and a closed descriptor's number could by then belong to a live client.
            allStopped = false;
            Log.LoopsNotStopped(_logger, stopped.Count(t => !t.IsCompleted));
        }
        if (allStopped)
        {
            foreach ((Socket socket, _) in _sockets)
            {
                socket.Dispose();
            }
        }
        try
        {
            await Task.WhenAll(_connections.Values).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log.ClosingConnections(_logger, _connections.Count);
            foreach (LoopConnection connection in _connections.Keys)
            {
                connection.Abort(new ConnectionAbortedException("Slotgate is shutting down"));
            }
            // As Kestrel: a second for the sessions to notice; one still waiting on a node's reply is left to finish alone.
            try
            {
                await Task.WhenAll(_connections.Values).WaitAsync(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                Log.SessionsStillWaiting(_logger, _connections.Count);
            }
        }
    }

    private void Accepted(EventLoop loop, int fd, IPEndPoint? peer, ConnectionHandler handler)
    {
        var connection = new LoopConnection(loop, fd, peer, InputPause, OutputPause, "C" + Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            LoopCount = _loops.Loops.Count,
        };
        connection.Start();
        _connections[connection] = ServeAsync(connection, handler);
    }

    private async Task ServeAsync(LoopConnection connection, ConnectionHandler handler)
    {
        try
        {
            await handler.OnConnectedAsync(connection).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.ConnectionFailed(_logger, ex, connection.ConnectionId);
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            _connections.TryRemove(connection, out _);
        }
    }

    public void Dispose()
    {
        foreach ((Socket socket, _) in _sockets)
        {
            socket.Dispose();
        }
    }

    /// <summary>
    /// One listening socket on one loop. On epoll the loop watches the socket (every loop does, and
    /// <c>EPOLLEXCLUSIVE</c> wakes one of them per client) and accepts with <c>accept4</c>; on io_uring each loop keeps
    /// one accept request in flight on it, completed by the kernel with the new descriptor and the peer's address, so a
    /// client costs the loop no system call to accept. Either way the client is served by the loop that accepted it.
    /// </summary>
    private sealed class Acceptor(LoopListener listener, EventLoop loop, Socket socket, ConnectionHandler handler) : IEventHandler, IRingHandler
    {
        private const byte OperationAccept = EventLoop.FirstHandlerOperation;

        private readonly int _fd = (int)socket.Handle;
        // Where a ring accept writes the peer's address and its length; pinned, since the kernel writes it after
        // the request is queued. The loop's ring slot holds the acceptor, and so this, while a request may be in flight.
        private readonly byte[] _ringAddress = GC.AllocateArray<byte>(Native.SocketAddressSize + sizeof(int), pinned: true);
        private int _slot = -1;
        private bool _paused;
        private bool _closed;

        public EventLoop Loop => loop;

        public void Start()
        {
            if (loop.UsesRing)
            {
                if (_slot < 0)
                {
                    _slot = loop.RegisterRing(this);
                }
                if (!_closed)
                {
                    ArmAccept();
                }
                return;
            }
            if (_slot < 0)
            {
                _slot = loop.Register(_fd, Native.EPOLLIN | Native.EPOLLEXCLUSIVE, this);
            }
        }

        /// <summary>
        /// Stops accepting for good (shutdown). On io_uring the accept in flight is cancelled, and the slot kept until
        /// its completion arrives: a client it accepted meanwhile is closed rather than left open and unserved.
        /// </summary>
        public void Close()
        {
            _closed = true;
            if (loop.UsesRing)
            {
                if (_slot >= 0 && _paused)
                {
                    loop.ReleaseRing(_slot); // paused after a failed accept: none is in flight
                    _slot = -1;
                }
                else if (_slot >= 0)
                {
                    loop.CancelRing(loop.RingData(_slot, OperationAccept));
                }
                return;
            }
            Stop();
        }

        private void Stop()
        {
            if (_slot >= 0)
            {
                loop.Unregister(_fd, _slot);
                _slot = -1;
            }
        }

        /// <summary>
        /// Accepts one pending client per readiness report. The listening socket is level-triggered, so one still
        /// queued is reported again at the loop's next wait, which serves other clients in between; accepting until
        /// <c>EAGAIN</c> would cost a failing <c>accept4</c> for every client that connects alone.
        /// </summary>
        public unsafe void OnEvents(uint events)
        {
            if (_slot < 0)
            {
                return;
            }
            byte* address = stackalloc byte[Native.SocketAddressSize];
            int length = Native.SocketAddressSize;
            int fd = Native.Accept(_fd, address, &length, Native.SOCK_NONBLOCK | Native.SOCK_CLOEXEC);
            if (fd >= 0)
            {
                listener.Accepted(loop, fd, Native.ToEndPoint(new ReadOnlySpan<byte>(address, length)), handler);
                return;
            }
            int errno = Marshal.GetLastPInvokeError();
            if (errno is not (Native.EAGAIN or Native.EINTR or Native.ECONNABORTED))
            {
                Pause(errno);
            }
        }

        private unsafe byte* RingAddress => (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_ringAddress));

        private unsafe void ArmAccept()
        {
            byte* address = RingAddress;
            int* length = (int*)(address + Native.SocketAddressSize);
            *length = Native.SocketAddressSize;
            loop.QueueAccept(_slot, OperationAccept, _fd, address, length);
        }

        public unsafe void OnCompletion(byte operation, int result, uint flags)
        {
            if (_closed)
            {
                // The accept's last completion once the listener stopped: cancelled, or a client it took in the race,
                // which is closed rather than kept open unserved. Nothing is in flight for the slot any more.
                if (result >= 0)
                {
                    Native.Close(result);
                }
                loop.ReleaseRing(_slot);
                _slot = -1;
                return;
            }
            if (result >= 0)
            {
                byte* address = RingAddress;
                int length = *(int*)(address + Native.SocketAddressSize);
                listener.Accepted(loop, result, Native.ToEndPoint(new ReadOnlySpan<byte>(address, Math.Min(length, Native.SocketAddressSize))), handler);
                ArmAccept();
                return;
            }
            int errno = -result;
            if (errno is Native.EAGAIN or Native.EINTR or Native.ECONNABORTED)
            {
                ArmAccept();
                return;
            }
            Pause(errno);
        }

        /// <summary>
        /// Out of descriptors (EMFILE/ENFILE) or memory: the pending connection stays queued and the socket stays
        /// readable, so pause accepting on this loop for a moment rather than spin on the error.
        /// </summary>
        private void Pause(int errno)
        {
            Log.AcceptFailed(listener._logger, errno);
            if (!loop.UsesRing)
            {
                Stop();
            }
            _paused = true;
            _ = ResumeLaterAsync();
        }

        private async Task ResumeLaterAsync()
        {
            await Task.Delay(100).ConfigureAwait(false);
            loop.Post(static state =>
            {
                var acceptor = (Acceptor)state!;
                if (acceptor._paused && !acceptor._closed)
                {
                    acceptor._paused = false;
                    acceptor.Start();
                }
            }, this);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 620, Level = LogLevel.Warning, Message = "Shutdown: {Count} event loops did not stop accepting within 5 s; going on without them")]
        public static partial void LoopsNotStopped(ILogger logger, int count);

        [LoggerMessage(EventId = 621, Level = LogLevel.Information, Message = "Shutdown: closing {Count} client connections still open after the drain timeout")]
        public static partial void ClosingConnections(ILogger logger, int count);

        [LoggerMessage(EventId = 622, Level = LogLevel.Debug, Message = "Shutdown: {Count} sessions still waiting on replies after their connections closed")]
        public static partial void SessionsStillWaiting(ILogger logger, int count);

        [LoggerMessage(EventId = 624, Level = LogLevel.Debug, Message = "Client connection {Id} ended with an error")]
        public static partial void ConnectionFailed(ILogger logger, Exception exception, string id);

        [LoggerMessage(EventId = 625, Level = LogLevel.Warning, Message = "Accepting clients failed (errno {Errno}); retrying in 100 ms")]
        public static partial void AcceptFailed(ILogger logger, int errno);
    }
}
