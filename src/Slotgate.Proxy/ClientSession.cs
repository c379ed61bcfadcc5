using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// One client connection: its state machine. The read loop parses pipelined commands, queues each in arrival order
/// with the <see cref="ReplyWriter"/> and hands it to the dispatcher; the writer sends the replies back in that order.
/// The number of commands awaiting replies is bounded, so a client that pipelines faster than the cluster answers is
/// simply not read from until replies drain. What the connection carries besides lives in small collaborators, each
/// created with the session or on first use: who the client is (<see cref="ClientAuthentication"/>), its transaction,
/// its subscriptions and the output limit of their messages (<see cref="PushOutputLimit"/>), its blocking commands
/// (<see cref="BlockedCommandTracker"/>) and the shards it wrote to, for WAIT (<see cref="WrittenShards"/>).
/// </summary>
internal sealed partial class ClientSession
{
    private readonly IDuplexPipe _transport;
    private readonly CommandDispatcher _dispatcher;
    private readonly ILogger _logger;
    private readonly RequestParser _parser;
    private readonly RequestPool _pool = RequestPool.Shared;
    private readonly PipelineLimit _pendingLimit;
    private readonly ReplyWriter _writer;
    private readonly ClientAuthentication _authentication;
    private readonly PushOutputLimit _pushLimit;
    private readonly BlockedCommandTracker _blocked = new();
    private volatile bool _closing;
    private long _bytesIn; // written by the read loop only
    private long _readAt; // Stopwatch time of the read (or wait) the commands being parsed come from
    private long _lastActivity = Environment.TickCount64;
    private bool _afterPinned;
    private Transaction? _transaction;
    private Subscriptions? _subscriptions;
    private WrittenShards? _writtenShards;
    private ClientTracking? _tracking;

    public ClientSession(IDuplexPipe transport, CommandDispatcher dispatcher, ClientInfo info, ILogger logger)
    {
        _transport = transport;
        _dispatcher = dispatcher;
        _logger = logger;
        _parser = new RequestParser(dispatcher.Limits);
        Info = info;
        _pendingLimit = new PipelineLimit(dispatcher.MaxPendingCommands);
        _pushLimit = new PushOutputLimit(dispatcher.PubSubOutputBufferLimit);
        _writer = new ReplyWriter(this, transport.Output, dispatcher, _pendingLimit, _pushLimit);
        _authentication = new ClientAuthentication(dispatcher.Users, info, _parser);
        _authentication.SignOut();
    }

    public ClientInfo Info { get; }

    /// <summary>
    /// The user this client is authenticated as; null while unauthenticated, and also when authentication is off
    /// (then <see cref="Authenticated"/> is true and nothing is checked).
    /// </summary>
    public Security.AclUser? User => _authentication.User;

    /// <summary>False until the client authenticates, when Slotgate has users configured.</summary>
    public bool Authenticated => _authentication.Authenticated;

    /// <summary>The client authenticated as <paramref name="user"/>: its permissions apply from the next command on.</summary>
    public void SignIn(Security.AclUser user) => _authentication.SignIn(user);

    /// <summary>
    /// Back to how a new connection starts (RESET): the user its identity is bound to, else the default user if it
    /// needs no password, else unauthenticated.
    /// </summary>
    public void SignOut() => _authentication.SignOut();

    /// <summary>Every client of this Slotgate (CLIENT LIST, CLIENT KILL).</summary>
    public ClientRegistry Clients => _dispatcher.Clients;

    /// <summary>Bytes of commands read from this client so far (whole commands; a partial one counts once complete).</summary>
    public long BytesIn => Volatile.Read(ref _bytesIn);

    /// <summary>Bytes of replies and pushes written to this client so far.</summary>
    public long BytesOut => _writer.BytesOut;

    /// <summary>This client's WATCH/MULTI state, created on first use (most clients never use transactions).</summary>
    public Transaction Transaction => _transaction ??= _dispatcher.CreateTransaction();

    /// <summary>Notes that this client wrote to <paramref name="shard"/> (reached through <paramref name="slot"/>), for WAIT.</summary>
    public void Touch(int slot, Cluster.Shard? shard)
    {
        if (shard is not null)
        {
            (_writtenShards ??= new WrittenShards()).Add(slot, shard);
        }
    }

    /// <summary>The current primaries of the shards this client wrote to.</summary>
    public IReadOnlyList<string> TouchedPrimaries() =>
        _writtenShards is null ? [] : _writtenShards.Primaries(_dispatcher.Router);

    /// <summary>This client's pub/sub state, created on first use.</summary>
    public Subscriptions Subscriptions => _subscriptions ??= _dispatcher.CreateSubscriptions(this);

    /// <summary>True while the client has subscriptions (Redis's subscribed mode).</summary>
    public bool Subscribed => _subscriptions is { Active: true } && !Info.Resp3;

    /// <summary>
    /// Sends a published message to the client, between replies (it is not an answer to any command, so it takes no
    /// pipeline slot). Called on the pub/sub connection's reader thread.
    /// </summary>
    public void Push(in ReadOnlySequence<byte> message)
    {
        if (!_pushLimit.TryAdd(message.Length))
        {
            // A subscriber that does not read would make us buffer every message for it: close it, as Redis does
            // at client-output-buffer-limit pubsub, rather than let one client grow the proxy's memory.
            CloseForOutputBuffer();
            return;
        }
        _writer.Push(message);
    }

    /// <summary>True while the client is in MONITOR mode.</summary>
    public bool Monitoring { get; private set; }

    /// <summary>MONITOR: from now on the client is sent a line for every command run through this Slotgate.</summary>
    public bool StartMonitoring() => Monitoring = _dispatcher.Monitors.Add(this) || Monitoring;

    /// <summary>Leaves MONITOR mode (RESET); nothing when the client does not monitor.</summary>
    public void StopMonitoring()
    {
        if (Monitoring)
        {
            _dispatcher.Monitors.Remove(this);
            Monitoring = false;
        }
    }

    /// <summary>
    /// Sends a monitor line to the client, between replies. Called on the read loop of the client whose command it
    /// shows. A monitor that leaves too many lines unread is closed, as a subscriber is.
    /// </summary>
    public void PushMonitorLine(in ReadOnlySequence<byte> line)
    {
        if (!_pushLimit.TryAdd(line.Length))
        {
            _dispatcher.Monitors.Remove(this);
            if (!_closing)
            {
                Log.MonitorOutputLimitReached(_logger, Info.Id, Info.RemoteEndpoint, _pushLimit.Limit);
            }
            CloseForOutputBuffer(logged: true);
            return;
        }
        _writer.Push(line);
    }

    /// <summary>This client's CLIENT TRACKING state; null until it first turns tracking on (one null check per command).</summary>
    public ClientTracking? Tracking => _tracking;

    /// <summary>The tracking state, created on first use.</summary>
    public ClientTracking StartTracking() => _tracking ??= new ClientTracking(this, _dispatcher.Tracking);

    /// <summary>True while a command of this client awaits its reply.</summary>
    public bool HasPendingCommands => !_pendingLimit.IsAtMost(0);

    /// <summary>True while the client is between MULTI and EXEC/DISCARD.</summary>
    public bool InMulti => _transaction is { InMulti: true };

    /// <summary>The connection this client is blocked on right now, if any (for CLIENT UNBLOCK).</summary>
    public Backend.BackendConnection? BlockedOn => _blocked.BlockedOn;

    /// <summary>Remembers a blocking command in progress, so it can be cut off if the client leaves.</summary>
    public void TrackPinned(PinnedForward forward) => _blocked.Add(forward);

    public void UntrackPinned(PinnedForward forward) => _blocked.Remove(forward);

    /// <summary>Serves the connection until the client leaves, sends QUIT, or breaks the protocol.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _dispatcher.Clients.Add(this);
        Task writer = _writer.RunAsync();
        try
        {
            await ReadLoopAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or ConnectionResetException)
        {
            Log.ReadEnded(_logger, Info.Id, ex.Message);
        }
        finally
        {
            if (_tracking is not null)
            {
                _dispatcher.Tracking.Disable(_tracking);
            }
            _writer.Complete();
            // The client is gone or leaving: a blocking command could wait forever, so cut it off; every other queued
            // command is answered or failed (operation timeouts guarantee it), so the writer drains in bounded time.
            _blocked.AbortAll();
            _subscriptions?.Close();
            StopMonitoring();
            await writer.ConfigureAwait(false);
            _dispatcher.Clients.Remove(this);
            _transaction?.Close();
            await _transport.Input.CompleteAsync().ConfigureAwait(false);
        }
    }

    private async Task ReadLoopAsync(CancellationToken cancellationToken)
    {
        PipeReader input = _transport.Input;
        ProxyRequest? spare = null;
        while (!_closing)
        {
            ReadResult result = await input.ReadAsync().ConfigureAwait(false);
            // Once per read, as Redis's lastinteraction: the commands in it arrived together, and they are timed from
            // here (from the end of any wait below, for those read before it).
            long tick = Environment.TickCount64;
            Volatile.Write(ref _lastActivity, tick);
            Info.LastActive = tick;
            _readAt = System.Diagnostics.Stopwatch.GetTimestamp();
            ReadOnlySequence<byte> buffer = result.Buffer;
            // Whole commands in the first segment are parsed straight from it; `taken` of its bytes are parsed but not
            // yet sliced off `buffer` (one slice per read rather than per command).
            ReadOnlyMemory<byte> first = buffer.First;
            int taken = 0;
            try
            {
                while (!_closing)
                {
                    ProxyRequest request = spare ?? _pool.Rent();
                    spare = null;
                    if (taken < first.Length && _parser.TryParseWhole(first.Span[taken..], request.Frame, out int length))
                    {
                        taken += length;
                    }
                    else
                    {
                        if (taken > 0)
                        {
                            buffer = buffer.Slice(taken);
                            taken = 0;
                        }
                        // Nothing left (the usual end of a read): the general parser would only say it needs more.
                        if (buffer.IsEmpty || !_parser.TryParse(ref buffer, request.Frame))
                        {
                            spare = request;
                            break;
                        }
                        first = buffer.First;
                    }
                    while (!_pendingLimit.TryAcquire())
                    {
                        await _pendingLimit.WaitAsync().ConfigureAwait(false);
                        _readAt = System.Diagnostics.Stopwatch.GetTimestamp();
                    }
                    Enqueue(request);
                    if (OverByteBudget(request) && !_pendingLimit.IsAtMost(1))
                    {
                        // Too many bytes of this client's commands (or of everyone's) wait for replies: let what it
                        // sent before be answered first. A single command is never held back, so none is refused.
                        await DrainEarlierAsync(cancellationToken).ConfigureAwait(false);
                        _readAt = System.Diagnostics.Stopwatch.GetTimestamp();
                    }
                    if (_afterPinned)
                    {
                        // The previous command ran on a connection of its own (EXEC, WATCH, a blocking command): nothing
                        // may overtake it, as on one Redis connection.
                        await DrainEarlierAsync(cancellationToken).ConfigureAwait(false);
                        _readAt = System.Diagnostics.Stopwatch.GetTimestamp();
                        _afterPinned = false;
                    }
                    if (_dispatcher.Execute(this, request))
                    {
                        // This one runs on a connection of its own: it must see everything this client sent before it.
                        await DrainEarlierAsync(cancellationToken).ConfigureAwait(false);
                        _readAt = System.Diagnostics.Stopwatch.GetTimestamp();
                        _dispatcher.ExecutePinned(this, request);
                        _afterPinned = true;
                    }
                }
            }
            catch (RespProtocolException ex)
            {
                // As Redis does: answer the protocol error, then close this connection only.
                ProxyRequest error = spare ?? _pool.Rent();
                spare = null;
                error.SetError("ERR " + ex.Message);
                error.CloseAfterReply = true;
                while (!_pendingLimit.TryAcquire())
                {
                    await _pendingLimit.WaitAsync().ConfigureAwait(false);
                }
                Enqueue(error);
                error.Complete();
                _closing = true;
                _dispatcher.Metrics.ClientRejected("protocol_error");
                Log.ProtocolError(_logger, Info.Id, ex.Message);
            }
            if (taken > 0)
            {
                buffer = buffer.Slice(taken);
            }
            Volatile.Write(ref _bytesIn, _bytesIn + (result.Buffer.Length - buffer.Length));
            input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted || result.IsCanceled)
            {
                break;
            }
        }
        if (spare is not null)
        {
            _pool.Return(spare);
        }
    }

    /// <summary>Waits until this client's only pending command is the newest one.</summary>
    private async ValueTask DrainEarlierAsync(CancellationToken cancellationToken)
    {
        while (!_pendingLimit.IsAtMost(1))
        {
            ValueTask wait = _pendingLimit.WaitUntilAtMostAsync(1);
            if (cancellationToken.CanBeCanceled && !wait.IsCompleted)
            {
                // Rare path (after EXEC or a blocking command), so the Task is affordable.
                Task waiting = wait.AsTask();
                try
                {
                    await waiting.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // The client has closed its side (Kestrel reports a half-close as closed). A blocking command
                    // it was waiting on could wait forever, so cut it off; everything else it sent is still run and
                    // answered (each within the operation timeout), as Redis runs what it read before the end of
                    // the stream. Giving up here instead would leave this command queued and never answered.
                    _blocked.AbortAll();
                    await waiting.ConfigureAwait(false);
                }
            }
            else
            {
                await wait.ConfigureAwait(false);
            }
        }
    }

    /// <summary>Adds <paramref name="request"/>'s bytes to this client's pending bytes; true when a byte limit is passed.</summary>
    private bool OverByteBudget(ProxyRequest request)
    {
        long mine = _pendingLimit.AddBytes(request.Frame.Length);
        return mine > _dispatcher.MaxPendingBytesPerClient
            || _dispatcher.OverPendingBytes;
    }

    private void Enqueue(ProxyRequest request)
    {
        request.StartedAt = _readAt;
        _dispatcher.Metrics.CommandRead(request.Frame.Length);
        request.Affinity = Info.Affinity;
        request.Resp3 = Info.Resp3;
        _writer.Add(request);
    }

    /// <summary>A reply was written to the client: as Redis's lastinteraction, that counts as activity.</summary>
    public void NoteActivity() => Volatile.Write(ref _lastActivity, Environment.TickCount64);

    /// <summary>
    /// Closes the connection silently if the client sent nothing for <paramref name="idleMilliseconds"/>, as Redis's
    /// <c>timeout</c> does. Exempt, as in Redis: subscribed clients and blocked ones; also a client still waiting for
    /// replies, since it is waiting on the cluster rather than idle. Returns true when it closed the session.
    /// </summary>
    public bool CloseIfIdle(long now, long idleMilliseconds)
    {
        if (_closing || now - Volatile.Read(ref _lastActivity) < idleMilliseconds
            || _subscriptions is { Active: true } || BlockedOn is not null || !_pendingLimit.IsAtMost(0))
        {
            return false;
        }
        StopReading();
        return true;
    }

    private void CloseForOutputBuffer(bool logged = false)
    {
        if (_closing)
        {
            return;
        }
        _closing = true;
        _dispatcher.Metrics.ClientRejected("output_buffer_limit");
        if (!logged)
        {
            Log.PubSubOutputLimitReached(_logger, Info.Id, Info.RemoteEndpoint, _pushLimit.Limit);
        }
        // The writer may be stuck flushing to a client that does not read: release it, then end the read loop.
        _transport.Output.CancelPendingFlush();
        _transport.Input.CancelPendingRead();
    }

    /// <summary>Marks the session as closing after the current reply (QUIT).</summary>
    public void CloseAfter(ProxyRequest request)
    {
        request.CloseAfterReply = true;
        _closing = true;
    }

    /// <summary>Ends the connection from the proxy's side (CLIENT KILL): it stops reading and closes after pending replies.</summary>
    public void Kill()
    {
        _dispatcher.Metrics.ClientRejected("killed");
        StopReading();
    }

    /// <summary>Stops reading from the client: the session ends once the replies already queued are written.</summary>
    public void StopReading()
    {
        _closing = true;
        _transport.Input.CancelPendingRead();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 500, Level = LogLevel.Debug, Message = "Client {Id} read ended: {Reason}")]
        public static partial void ReadEnded(ILogger logger, long id, string reason);

        [LoggerMessage(EventId = 501, Level = LogLevel.Debug, Message = "Client {Id} protocol error: {Error}")]
        public static partial void ProtocolError(ILogger logger, long id, string error);

        [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "Client {Id} ({Address}) closed: more than {Limit} bytes of published messages waiting for it (limits.pubsubOutputBufferLimit)")]
        public static partial void PubSubOutputLimitReached(ILogger logger, long id, string address, long limit);

        [LoggerMessage(EventId = 503, Level = LogLevel.Warning, Message = "Client {Id} ({Address}) closed: more than {Limit} bytes of MONITOR lines waiting for it (limits.pubsubOutputBufferLimit)")]
        public static partial void MonitorOutputLimitReached(ILogger logger, long id, string address, long limit);
    }
}
