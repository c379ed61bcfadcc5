using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Slotgate.Protocol;

namespace Slotgate.Backend;

/// <summary>
/// One pipelined connection to a Redis node, shared by many client sessions. Requests are written in the order they
/// arrive, with one flush for everything queued at that moment (so many clients' commands share a syscall), and the
/// replies are matched to them through a FIFO, since Redis answers a connection's commands in order.
/// When the connection dies or a reply is overdue, every request on it fails with a clear error; the owning
/// <see cref="BackendNode"/> replaces it.
/// </summary>
internal sealed partial class BackendConnection
{
    private static readonly byte[] AskingCommand = "*1\r\n$6\r\nASKING\r\n"u8.ToArray();

    private readonly BatchQueue<BackendRequest> _pending;
    private readonly InflightQueue _inflight = new();
    private readonly BackendSettings _settings;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _closed = new();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IBackendConnector _connector;
    private readonly Diagnostics.NodeStat _stat;
    private BackendTransport? _transport;
    private int _failed;
    private string? _failure;

    public BackendConnection(string endpoint, IBackendConnector connector, BackendSettings settings, ILogger logger, bool readOnly = false, bool resp3 = false)
    {
        Resp3 = resp3;
        Endpoint = endpoint;
        _pending = new BatchQueue<BackendRequest>(inlineContinuations: settings.InlineWrites);
        _connector = connector;
        _settings = settings;
        _logger = logger;
        ReadOnly = readOnly;
        _stat = settings.Metrics.Node(endpoint);
    }

    public string Endpoint { get; }

    public bool ReadOnly { get; }

    /// <summary>Ask the node for this connection's client id at connect (dedicated connections, for CLIENT UNBLOCK).</summary>
    public bool LearnClientId { get; init; }

    /// <summary>The node's id for this connection (CLIENT ID), once learned; 0 before.</summary>
    public long NodeClientId { get; private set; }

    /// <summary>Speaks RESP3 (HELLO 3 at connect): serves RESP3 clients, whose replies are then forwarded as they are.</summary>
    public bool Resp3 { get; }

    /// <summary>True once the connection has failed; it accepts no more requests.</summary>
    public bool IsFailed => Volatile.Read(ref _failed) != 0;

    /// <summary>True once connected and the handshake is written.</summary>
    public bool IsConnected { get; private set; }

    /// <summary>Why the connection failed, as an error line (no leading '-').</summary>
    public string? Failure => _failure;

    /// <summary>Completes when the connection is closed and every request on it has been answered or failed.</summary>
    public Task Finished => _finished.Task;

    /// <summary>Raised once, when the connection fails; the argument says whether it had ever connected.</summary>
    public event Action<BackendConnection, bool>? Failed;

    /// <summary>Queues <paramref name="request"/>; it is written as soon as the connection is up. Never blocks.</summary>
    public void Send(BackendRequest request)
    {
        if (IsFailed || !_pending.TryWrite(request))
        {
            request.OnFailure(_failure ?? ConnectionError("connection closed"));
        }
    }

    /// <summary>Connects and runs the read and write loops until the connection fails or is closed.</summary>
    public void Start() => _ = RunAsync();

    /// <summary>Closes the connection; pending requests fail with <paramref name="reason"/>.</summary>
    public void Close(string reason) => Fail(ConnectionError(reason));

    /// <summary>
    /// Fails the connection when its oldest unanswered request has waited longer than the operation timeout.
    /// Redis answers in order, so an overdue head means everything behind it is stuck too.
    /// </summary>
    public void CheckTimeout(long now)
    {
        if (IsConnected && _inflight.TryGetOldestSentAt(out long sentAt) &&
            Stopwatch.GetElapsedTime(sentAt, now) > _settings.OperationTimeout)
        {
            Fail($"ERR Slotgate: timeout after {_settings.OperationTimeout.TotalMilliseconds:0} ms waiting for node {Endpoint}");
        }
    }

    private async Task RunAsync()
    {
        Task? readLoop = null;
        try
        {
            BackendTransport transport = await ConnectAsync().ConfigureAwait(false);
            _transport = transport;
            if (IsFailed)
            {
                transport.Abort(); // closed while connecting
                return;
            }
            PipeReader input = transport.Input;
            PipeWriter output = transport.Output;
            WriteHandshake(output);
            IsConnected = true;
            readLoop = ReadLoopAsync(input);
            await WriteLoopAsync(output).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Fail(ConnectionError(Describe(ex)));
        }
        finally
        {
            Fail(ConnectionError("connection closed"));
            if (readLoop is not null)
            {
                await readLoop.ConfigureAwait(false);
            }
            DrainAll();
            _finished.TrySetResult();
        }
    }

    private async Task<BackendTransport> ConnectAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_closed.Token);
        timeout.CancelAfter(_settings.ConnectTimeout);
        try
        {
            return await _connector.ConnectAsync(Endpoint, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_closed.IsCancellationRequested)
        {
            throw new IOException($"connect timeout after {_settings.ConnectTimeout.TotalMilliseconds:0} ms");
        }
    }

    private void WriteHandshake(PipeWriter output)
    {
        if (_settings.Credentials.AuthArguments() is { } authArguments)
        {
            var auth = new HandshakeRequest(this, authArguments);
            _inflight.Enqueue(auth);
            output.Write(auth.Frame.Bytes);
        }
        if (Resp3)
        {
            var hello = new HandshakeRequest(this, "HELLO", "3");
            _inflight.Enqueue(hello);
            output.Write(hello.Frame.Bytes);
        }
        if (LearnClientId)
        {
            var clientId = new HandshakeRequest(this, "CLIENT", "ID");
            _inflight.Enqueue(clientId);
            output.Write(clientId.Frame.Bytes);
        }
        if (ReadOnly)
        {
            var readOnly = new HandshakeRequest(this, "READONLY");
            _inflight.Enqueue(readOnly);
            output.Write(readOnly.Frame.Bytes);
        }
    }

    private async Task WriteLoopAsync(PipeWriter output)
    {
        try
        {
            while (await _pending.WaitToReadAsync().ConfigureAwait(false))
            {
                // Woken on an event loop by the batch's first command: let the batch's other commands for this node
                // queue up, then write them all with one flush (the send waits for the batch either way).
                await Transport.EventLoop.YieldToEndOfBatch();
                WriteQueued(output);
                FlushResult flush = await output.FlushAsync().ConfigureAwait(false);
                if (flush.IsCompleted)
                {
                    break;
                }
            }
        }
        finally
        {
            await output.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Writes every queued request into the pipe (unflushed) and moves it to the in-flight queue.</summary>
    private void WriteQueued(PipeWriter output)
    {
        long now = Stopwatch.GetTimestamp();
        var writer = new BatchWriter(output);
        Span<BatchQueue<BackendRequest>.Slot> batch = _pending.TakeAll();
        int written = 0;
        using (_inflight.EnterBatch())
        {
            for (; written < batch.Length && !IsFailed; written++)
            {
                BackendRequest request = batch[written].Item!;
                request.SentAt = now;
                request.SentTo = Endpoint;
                if (request.Asking)
                {
                    request.Asking = false;
                    // A placeholder of its own carrying the send time: the timeout check reads the head's SentAt,
                    // and a shared instance's would be another connection's or zero, failing a healthy connection
                    // as timed out while its ASKING reply is on the way. ASK is rare (slot migrations only).
                    _inflight.EnqueueLocked(new DiscardRequest { SentAt = now });
                    writer.Write(AskingCommand);
                }
                _inflight.EnqueueLocked(request);
                writer.Write(request.Frame.Bytes);
            }
        }
        writer.Commit();
        for (int i = written; i < batch.Length; i++)
        {
            batch[i].Item!.OnFailure(_failure ?? ConnectionError("connection closed"));
        }
        batch.Clear();
    }

    private async Task ReadLoopAsync(PipeReader input)
    {
        try
        {
            while (true)
            {
                ReadResult result = await input.ReadAsync().ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                long consumed = DispatchReplies(buffer);
                input.AdvanceTo(buffer.GetPosition(consumed), buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    Fail(ConnectionError("connection closed by the node"));
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            // Any failure here (a malformed reply, a socket error, a bug in a reply handler) ends this connection only.
            Fail(ConnectionError(Describe(ex)));
        }
        finally
        {
            await input.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Hands every complete reply at the start of <paramref name="buffer"/> to its request, in order; returns the bytes
    /// they took. Everyday replies lying whole in one buffer segment are found with a scan of that segment's span;
    /// anything else (aggregates, a reply across segments) goes through the general scanner.
    /// </summary>
    private long DispatchReplies(in ReadOnlySequence<byte> buffer)
    {
        long now = Stopwatch.GetTimestamp(); // every reply in this buffer had arrived by now
        long consumed = 0;
        SequencePosition position = buffer.Start;
        while (!IsFailed && buffer.TryGet(ref position, out ReadOnlyMemory<byte> memory))
        {
            // memory: the unconsumed rest of one segment; position: the start of the next segment.
            ReadOnlySpan<byte> span = memory.Span;
            int offset = 0;
            int length;
            while (offset < span.Length && !IsFailed && (length = RespScanner.TrySkipSimple(span[offset..])) > 0)
            {
                ReadOnlyMemory<byte> reply = memory.Slice(offset, length);
                Dequeue(now, span[offset] == (byte)'-').OnReply(reply);
                offset += length;
            }
            consumed += offset;
            if (offset == span.Length || IsFailed)
            {
                continue; // the next segment starts at a reply boundary
            }
            ReadOnlySequence<byte> rest = buffer.Slice(consumed);
            var reader = new SequenceReader<byte>(rest);
            if (!RespScanner.TrySkipValue(ref reader))
            {
                break; // incomplete: wait for more bytes
            }
            ReadOnlySequence<byte> whole = rest.Slice(0, reader.Consumed);
            Dequeue(now, whole.FirstSpan[0] == (byte)'-').OnReply(whole);
            consumed += reader.Consumed;
            position = buffer.GetPosition(consumed);
        }
        return consumed;
    }

    /// <summary>The request the next reply answers (Redis answers in order), with that reply counted.</summary>
    private BackendRequest Dequeue(long now, bool error)
    {
        if (!_inflight.TryDequeue(out BackendRequest? request))
        {
            throw new InvalidOperationException("reply without a request (protocol out of sync)");
        }
        if (request.SentAt != 0)
        {
            // Before OnReply: completing the request may recycle it.
            _settings.Metrics.BackendReplied(_stat, request.SentAt, now, error);
        }
        request.RepliedAt = now;
        return request;
    }

    private void Fail(string error)
    {
        if (Interlocked.Exchange(ref _failed, 1) != 0)
        {
            return;
        }
        _failure = error;
        bool wasConnected = IsConnected;
        _pending.Complete();
        _closed.Cancel();
        _transport?.Abort();
        Log.Failed(_logger, Endpoint, error);
        DrainAll();
        Failed?.Invoke(this, wasConnected);
    }

    /// <summary>
    /// Fails everything still queued or awaiting a reply. Runs again once the loops have stopped, so a request
    /// that raced with the failure is never left behind.
    /// </summary>
    private void DrainAll()
    {
        string error = _failure ?? ConnectionError("connection closed");
        foreach (BackendRequest request in _pending.Drain())
        {
            request.OnFailure(error);
        }
        while (_inflight.TryDequeue(out BackendRequest? request))
        {
            request.OnFailure(error);
        }
    }

    private string ConnectionError(string reason) => $"ERR Slotgate: node {Endpoint} unavailable ({reason})";

    private static string Describe(Exception ex) => ex switch
    {
        SocketException socket => socket.SocketErrorCode.ToString(),
        _ => ex.Message,
    };

    internal static (string Host, int Port) SplitEndpoint(string endpoint)
    {
        int colon = endpoint.LastIndexOf(':');
        string host = endpoint[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        return (host, int.Parse(endpoint.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>A handshake command (AUTH, READONLY): an error reply fails the connection, since nothing would work on it.</summary>
    private sealed class HandshakeRequest : BackendRequest
    {
        private readonly BackendConnection _connection;

        public HandshakeRequest(BackendConnection connection, params string[] args)
        {
            _connection = connection;
            Frame.Set(args);
            // Timed from now like any request: with SentAt zero, the timeout check would fail the new connection.
            SentAt = Stopwatch.GetTimestamp();
        }

        public override void OnReply(in ReadOnlySequence<byte> reply)
        {
            if (reply.FirstSpan[0] == (byte)':' && RespReplyReader.TryReadInteger(reply, out long id))
            {
                _connection.NodeClientId = id;
            }
            else if (reply.FirstSpan[0] == (byte)'-')
            {
                string text = System.Text.Encoding.UTF8.GetString(reply.ToArray()).TrimEnd();
                if (Frame.Arg(0).SequenceEqual("AUTH"u8))
                {
                    _connection._settings.Metrics.AuthFailed("backend");
                }
                _connection.Fail(_connection.ConnectionError($"{System.Text.Encoding.UTF8.GetString(Frame.Arg(0))} failed: {text[1..]}"));
            }
        }

        public override void OnFailure(string error)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 300, Level = LogLevel.Debug, Message = "Backend connection to {Endpoint} failed: {Error}")]
        public static partial void Failed(ILogger logger, string endpoint, string error);
    }
}
