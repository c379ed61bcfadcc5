using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Slotgate.Transport;

/// <summary>
/// A non-blocking TCP socket owned by one <see cref="EventLoop"/>, exposed as a pair of pipes. Bytes received are
/// written to <see cref="Input"/> on the loop thread and its reader's continuation runs inline there (the session
/// parses and routes at once); what is flushed to <see cref="Output"/> is sent after the loop's current batch, so
/// every write flushed during one batch leaves in one <c>send</c>. A client that sends nothing costs no buffer.
/// </summary>
internal sealed partial class LoopConnection : ConnectionContext, IDuplexPipe, IEventHandler
{
    private const uint ReadEvents = Native.EPOLLIN | Native.EPOLLRDHUP;

    private readonly EventLoop _loop;
    private readonly Socket? _socket;
    private readonly int _fd;
    private EndPoint? _localEndPoint;
    private bool _localEndPointRead;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly CancellationTokenSource _closedSource = new();
    private readonly TaskCompletionSource _closedTask;
    private readonly object _gate = new();
    private readonly Action _resumeReading;
    private ManualResetValueTaskSourceCore<bool> _writable = new() { RunContinuationsAsynchronously = false };
    private ValueTask<FlushResult> _pendingFlush;
    private int _slot = -1;
    private uint _interest;
    private bool _reading = true;
    private bool _waitingWritable;
    private bool _inputDone;
    private bool _sendDone;
    private bool _fdClosed;
    private IFeatureCollection? _features;
    private IDictionary<object, object?>? _items;

    /// <summary>
    /// Wraps <paramref name="socket"/> (connected, non-blocking) for <paramref name="loop"/>: the input's reader runs
    /// inline on the loop, sends wait for the loop's batch; the writers wait past the given numbers of bytes unread.
    /// </summary>
    public LoopConnection(EventLoop loop, Socket socket, long inputPause, long outputPause, string connectionId)
        : this(loop, (int)socket.Handle, socket.RemoteEndPoint, inputPause, outputPause, connectionId, accepted: false)
    {
        _socket = socket;
        _localEndPoint = socket.LocalEndPoint;
        _localEndPointRead = true;
    }

    /// <summary>
    /// Wraps an accepted descriptor the connection now owns, with the peer's address as <c>accept4</c> gave it. No
    /// <see cref="Socket"/> is made for it: building one from a descriptor costs about ten system calls (type, family,
    /// protocol, both addresses, blocking mode), and accepting must be as cheap as it can be for clients that connect
    /// per request. The local address is read only if something asks for it.
    /// </summary>
    public LoopConnection(EventLoop loop, int fd, EndPoint? remoteEndPoint, long inputPause, long outputPause, string connectionId)
        : this(loop, fd, remoteEndPoint, inputPause, outputPause, connectionId, accepted: true)
    {
    }

    private LoopConnection(EventLoop loop, int fd, EndPoint? remoteEndPoint, long inputPause, long outputPause, string connectionId, bool accepted)
    {
        _loop = loop;
        _fd = fd;
        // An accepted client's only waiter is the listener's last step (forget the connection), which may run on the
        // loop; a node connection's waiters are the backend's reconnect logic, kept off the loop thread.
        _closedTask = new(accepted ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously);
        _input = new Pipe(loop.InputOptions is { } input && input.PauseWriterThreshold == inputPause
            ? input
            : loop.InputOptions = new PipeOptions(BlockPool.Instance, readerScheduler: PipeScheduler.Inline, writerScheduler: loop,
                pauseWriterThreshold: inputPause, resumeWriterThreshold: inputPause / 2, minimumSegmentSize: BlockPool.BlockSize, useSynchronizationContext: false));
        _output = new Pipe(loop.OutputOptions is { } output && output.PauseWriterThreshold == outputPause
            ? output
            : loop.OutputOptions = new PipeOptions(BlockPool.Instance, readerScheduler: loop, writerScheduler: loop,
                pauseWriterThreshold: outputPause, resumeWriterThreshold: outputPause / 2, minimumSegmentSize: BlockPool.BlockSize, useSynchronizationContext: false));
        _resumeReading = ResumeReading;
        ConnectionId = connectionId;
        RemoteEndPoint = remoteEndPoint;
        ConnectionClosed = _closedSource.Token;
    }

    public override unsafe EndPoint? LocalEndPoint
    {
        get
        {
            if (!_localEndPointRead)
            {
                _localEndPointRead = true;
                byte* address = stackalloc byte[Native.SocketAddressSize];
                int length = Native.SocketAddressSize;
                lock (_gate)
                {
                    if (!_fdClosed && Native.GetSockName(_fd, address, &length) == 0)
                    {
                        _localEndPoint = Native.ToEndPoint(new ReadOnlySpan<byte>(address, length));
                    }
                }
            }
            return _localEndPoint;
        }
        set
        {
            _localEndPoint = value;
            _localEndPointRead = true;
        }
    }

    public EventLoop Loop => _loop;

    /// <summary>How many loops the connection's group has (for spreading clients' node connections over them).</summary>
    public int LoopCount { get; init; } = 1;

    public override string ConnectionId { get; set; }

    public override IFeatureCollection Features => _features ??= new FeatureCollection();

    public override IDictionary<object, object?> Items
    {
        get => _items ??= new Dictionary<object, object?>();
        set => _items = value;
    }

    public override IDuplexPipe Transport
    {
        get => this;
        set => throw new NotSupportedException();
    }

    public PipeReader Input => _input.Reader;

    public PipeWriter Output => _output.Writer;

    /// <summary>Starts receiving and sending; must run on the loop thread.</summary>
    public void Start()
    {
        if (_loop.UsesRing)
        {
            StartRing();
            return;
        }
        _interest = ReadEvents;
        _slot = _loop.Register(_fd, _interest, this);
        _ = SendLoopAsync();
    }

    /// <summary>Hands what was received to the reader (which runs inline, here).</summary>
    private void FlushReceived()
    {
        ValueTask<FlushResult> flush = _input.Writer.FlushAsync();
        if (!flush.IsCompleted)
        {
            // The reader is behind (a long command being parsed, or a client over its pipeline limit): stop
            // reading until it catches up, so one connection cannot buffer without bound.
            _reading = false;
            UpdateInterest();
            CancelReceive();
            _pendingFlush = flush;
            flush.GetAwaiter().UnsafeOnCompleted(_resumeReading);
        }
        else if (flush.Result.IsCompleted)
        {
            EndInput(null); // the reader is done with this connection
        }
    }

    private void ResumeReading()
    {
        FlushResult result;
        try
        {
            result = _pendingFlush.GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            EndInput(null);
            return;
        }
        _pendingFlush = default;
        if (result.IsCompleted || _inputDone)
        {
            EndInput(null);
            return;
        }
        if (_ringSlot >= 0)
        {
            ResumeReadingRing();
            return;
        }
        _reading = true;
        UpdateInterest();
    }

    private void EndInput(Exception? error)
    {
        if (_inputDone)
        {
            return;
        }
        _inputDone = true;
        _reading = false;
        UpdateInterest();
        CancelReceive();
        _input.Writer.Complete(error);
        if (!_sendDone)
        {
            // The client has closed its side: ConnectionClosed fires now, as on Kestrel's transport, so a session
            // waiting behind a blocking command can cut it off. Replies still go out until the send side is done.
            // The callbacks run here, on the loop, like the rest of the session's code (the input's reader runs
            // inline): handing them to the thread pool woke a pool thread per connection, which then spun for work.
            _closedSource.Cancel();
        }
        CloseIfDone();
    }

    private async Task SendLoopAsync()
    {
        PipeReader reader = _output.Reader;
        Exception? error = null;
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                while (!buffer.IsEmpty)
                {
                    long sent = _ringSlot >= 0 ? await SendOnRingAsync(buffer).ConfigureAwait(false) : SendSome(buffer);
                    if (sent < 0)
                    {
                        await WaitWritableAsync().ConfigureAwait(false);
                        continue;
                    }
                    buffer = buffer.Slice(sent);
                }
                reader.AdvanceTo(buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            error = ex;
        }
        reader.Complete(error);
        SendingDone();
    }

    /// <summary>The send side is done (the output completed, or sending failed): shut it down, close if both are.</summary>
    private void SendingDone()
    {
        RunOnLoop(static state =>
        {
            var connection = (LoopConnection)state!;
            connection._sendDone = true;
            if (!connection._inputDone)
            {
                // Nothing more will be sent: tell the peer, as closing the socket would.
                lock (connection._gate)
                {
                    if (!connection._fdClosed)
                    {
                        Native.Shutdown(connection._fd, Native.SHUT_WR);
                    }
                }
            }
            connection.CloseIfDone();
        }, this);
    }

    private ValueTask WaitWritableAsync()
    {
        if (_ringSlot >= 0)
        {
            return WaitWritableOnRing();
        }
        _writable.Reset();
        _waitingWritable = true;
        UpdateInterest();
        return new ValueTask(this, _writable.Version);
    }

    private void RunOnLoop(Action<object?> action, object state)
    {
        if (_loop.IsCurrent)
        {
            action(state);
        }
        else
        {
            _loop.Post(action, state);
        }
    }

    private void CloseIfDone()
    {
        if (!_inputDone || !_sendDone)
        {
            return;
        }
        lock (_gate)
        {
            if (_fdClosed)
            {
                return;
            }
            ReleaseRingSlot();
            if (_socket is not null)
            {
                if (_slot >= 0)
                {
                    _loop.Unregister(_fd, _slot);
                }
                _socket.Dispose();
            }
            else
            {
                if (_slot >= 0)
                {
                    _loop.ForgetClosing(_slot);
                }
                if (_loop.UsesRing && _loop.IsCurrent)
                {
                    _loop.QueueClose(_fd); // with the loop's next submission: no system call of its own
                }
                else
                {
                    Native.Close(_fd);
                }
            }
            _slot = -1;
            _fdClosed = true;
        }
        // On the loop (CloseIfDone runs there), as EndInput's cancellation: no thread-pool hop per connection.
        _closedSource.Cancel();
        _closedTask.TrySetResult();
    }

    /// <summary>Closes the connection at once from any thread: pending receives end and unsent bytes are dropped.</summary>
    public override void Abort(ConnectionAbortedException abortReason)
    {
        lock (_gate)
        {
            if (!_fdClosed)
            {
                // The loop sees the socket readable (end of stream) and writable (error) and winds both sides down.
                Native.Shutdown(_fd, Native.SHUT_RDWR);
            }
        }
        _output.Reader.CancelPendingRead();
        RunOnLoop(static state => ((LoopConnection)state!).EndInput(new ConnectionAbortedException("Slotgate closed the connection")), this);
    }

    /// <summary>The application is done with the connection: stop reading, send what is left, then close.</summary>
    public override ValueTask DisposeAsync()
    {
        _output.Writer.Complete();
        RunOnLoop(static state => ((LoopConnection)state!).EndInput(null), this);
        return new ValueTask(_closedTask.Task);
    }
}
