using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// One client connection. The reader parses pipelined commands, queues each in arrival order and hands it to the
/// dispatcher; the writer sends replies back strictly in that order as they complete, whichever shard answered
/// first, flushing once per burst. The number of commands awaiting replies is bounded, so a client that pipelines
/// faster than the cluster answers is simply not read from until replies drain.
/// </summary>
internal sealed partial class ClientSession : IReplyTarget
{
    private readonly IDuplexPipe _transport;
    private readonly CommandDispatcher _dispatcher;
    private readonly ILogger _logger;
    private readonly RequestParser _parser;
    private readonly RequestPool _pool = RequestPool.Shared;
    private readonly Backend.BatchQueue<ProxyRequest> _replies;
    private readonly PipelineLimit _pendingLimit;
    private volatile bool _closing;
    private long _pushedBytes;
    private long _pendingBytes;
    private long _bytesIn; // written by the read loop only
    private long _bytesOut; // written by whoever holds the write state below
    private long _readAt; // Stopwatch time of the read (or wait) the commands being parsed come from
    private long _lastActivity = Environment.TickCount64;
    private bool _afterPinned;
    private Transaction? _transaction;
    private List<PinnedForward>? _pinned;
    private Subscriptions? _subscriptions;
    private List<(int Slot, Cluster.Shard Shard)>? _touched;

    // The write loop's state. While the loop is parked on an event loop waiting for the next reply to write, that
    // reply's arrival on the same event loop may use it too (TryWriteReply): one thread, never both at once.
    private BatchWriter _output;
    private Backend.BatchQueue<ProxyRequest>.Slot[] _batch = [];
    private int _batchCount;
    private int _written; // how many of _batch's replies are in _output, in order
    private bool _unflushed;
    private bool _broken;
    private ProxyRequest? _parkedOn;
    private Transport.EventLoop? _parkedLoop;
    private int _writtenOnArrival; // replies TryWriteReply took straight from a node's buffer, since the last commit
    private bool _replied; // a reply to a command was written since the last commit

    public ClientSession(IDuplexPipe transport, CommandDispatcher dispatcher, ClientInfo info, ILogger logger)
    {
        _transport = transport;
        _dispatcher = dispatcher;
        // On the event loops the writer runs on the thread that queued a command: it only registers for that reply.
        _replies = new Backend.BatchQueue<ProxyRequest>(inlineContinuations: dispatcher.InlineReplies);
        _logger = logger;
        _parser = new RequestParser(dispatcher.Limits);
        Info = info;
        _pendingLimit = new PipelineLimit(dispatcher.MaxPendingCommands);
        SignOut();
    }

    public ClientInfo Info { get; }

    /// <summary>
    /// The user this client is authenticated as; null while unauthenticated, and also when authentication is off
    /// (then <see cref="Authenticated"/> is true and nothing is checked).
    /// </summary>
    public Security.AclUser? User { get; private set; }

    /// <summary>False until the client authenticates, when Slotgate has users configured.</summary>
    public bool Authenticated { get; private set; }

    /// <summary>The client authenticated as <paramref name="user"/>: its permissions apply from the next command on.</summary>
    public void SignIn(Security.AclUser user)
    {
        User = user;
        Info.User = user.Name;
        Authenticated = true;
        _parser.Unauthenticated = false;
    }

    /// <summary>
    /// Back to how a new connection starts (RESET): the user its identity is bound to, else the default user if it
    /// needs no password, else unauthenticated.
    /// </summary>
    public void SignOut()
    {
        Security.UserDirectory users = _dispatcher.Users;
        Security.AclUser? initial = users.Enabled ? Info.IdentityUser ?? users.InitialUser : null;
        User = initial;
        Info.User = initial?.Name ?? Security.UserDirectory.DefaultUserName;
        Authenticated = !users.Enabled || initial is not null;
        _parser.Unauthenticated = !Authenticated;
    }

    /// <summary>Every client of this Slotgate (CLIENT LIST, CLIENT KILL).</summary>
    public ClientRegistry Clients => _dispatcher.Clients;

    /// <summary>Bytes of commands read from this client so far (whole commands; a partial one counts once complete).</summary>
    public long BytesIn => Volatile.Read(ref _bytesIn);

    /// <summary>Bytes of replies and pushes written to this client so far.</summary>
    public long BytesOut => Volatile.Read(ref _bytesOut);

    /// <summary>This client's WATCH/MULTI state, created on first use (most clients never use transactions).</summary>
    public Transaction Transaction => _transaction ??= _dispatcher.CreateTransaction();

    /// <summary>Notes that this client wrote to <paramref name="shard"/> (reached through <paramref name="slot"/>), for WAIT.</summary>
    public void Touch(int slot, Cluster.Shard? shard)
    {
        if (shard is null)
        {
            return;
        }
        _touched ??= [];
        foreach ((int _, Cluster.Shard known) in _touched)
        {
            if (ReferenceEquals(known, shard))
            {
                return;
            }
        }
        _touched.Add((slot, shard));
    }

    /// <summary>The current primaries of the shards this client wrote to.</summary>
    public IReadOnlyList<string> TouchedPrimaries()
    {
        if (_touched is null)
        {
            return [];
        }
        var endpoints = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach ((int slot, Cluster.Shard _) in _touched)
        {
            if (_dispatcher.Router.PrimaryFor(slot) is { } endpoint)
            {
                endpoints.Add(endpoint);
            }
        }
        return [.. endpoints];
    }

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
        long limit = _dispatcher.PubSubOutputBufferLimit;
        if (Interlocked.Add(ref _pushedBytes, message.Length) > limit && limit > 0)
        {
            // A subscriber that does not read would make us buffer every message for it: close it, as Redis does
            // at client-output-buffer-limit pubsub, rather than let one client grow the proxy's memory.
            CloseForOutputBuffer();
            return;
        }
        ProxyRequest push = _pool.Rent();
        push.SetReply(message);
        push.Unsolicited = true;
        _replies.TryWrite(push);
        push.Complete();
    }

    /// <summary>True while the client is between MULTI and EXEC/DISCARD.</summary>
    public bool InMulti => _transaction is { InMulti: true };

    /// <summary>The connection this client is blocked on right now, if any (for CLIENT UNBLOCK).</summary>
    public Backend.BackendConnection? BlockedOn
    {
        get
        {
            lock (this)
            {
                return _pinned is { Count: > 0 } pinned ? pinned[0].Connection : null;
            }
        }
    }

    /// <summary>Remembers a blocking command in progress, so it can be cut off if the client leaves.</summary>
    public void TrackPinned(PinnedForward forward)
    {
        lock (this)
        {
            (_pinned ??= []).Add(forward);
        }
    }

    public void UntrackPinned(PinnedForward forward)
    {
        lock (this)
        {
            _pinned?.Remove(forward);
        }
    }

    /// <summary>Serves the connection until the client leaves, sends QUIT, or breaks the protocol.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _dispatcher.Clients.Add(this);
        Task writer = WriteLoopAsync();
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
            _replies.Complete();
            // The client is gone or leaving: a blocking command could wait forever, so cut it off; every other queued
            // command is answered or failed (operation timeouts guarantee it), so the writer drains in bounded time.
            AbortPinned();
            _subscriptions?.Close();
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

    private void AbortPinned()
    {
        PinnedForward[] pinned;
        lock (this)
        {
            if (_pinned is null or { Count: 0 })
            {
                return;
            }
            pinned = [.. _pinned];
        }
        foreach (PinnedForward forward in pinned)
        {
            forward.Abort();
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
                    AbortPinned();
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
        long mine = Interlocked.Add(ref _pendingBytes, request.Frame.Length);
        return mine > _dispatcher.MaxPendingBytesPerClient
            || _dispatcher.Metrics.InflightBytes + _dispatcher.ReplyBytesWaiting > _dispatcher.MaxPendingBytes;
    }

    /// <summary>A reply of this client's is final but not yet written to it: its bytes count until they are.</summary>
    void IReplyTarget.ReplyReady(int bytes)
    {
        if (bytes > 0) // 0 when the reply went straight to the client
        {
            Interlocked.Add(ref _pendingBytes, bytes);
            _dispatcher.AddReplyBytesWaiting(bytes);
        }
    }

    private void Enqueue(ProxyRequest request)
    {
        request.StartedAt = _readAt;
        _dispatcher.Metrics.CommandRead(request.Frame.Length);
        request.Affinity = Info.Affinity;
        request.Resp3 = Info.Resp3;
        request.ReplyTarget = this;
        _replies.TryWrite(request);
    }

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
        _closing = true;
        _transport.Input.CancelPendingRead();
        return true;
    }

    private void CloseForOutputBuffer()
    {
        if (_closing)
        {
            return;
        }
        _closing = true;
        _dispatcher.Metrics.ClientRejected("output_buffer_limit");
        Log.PubSubOutputLimitReached(_logger, Info.Id, Info.RemoteEndpoint, _dispatcher.PubSubOutputBufferLimit);
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

    private async Task WriteLoopAsync()
    {
        PipeWriter output = _transport.Output;
        _output = new BatchWriter(output); // committed before every flush
        int waited = 0; // since the last flush or wait for a reply: 1 once waited for the batch's end, 2 also for a poll
        while (await _replies.WaitToReadAsync().ConfigureAwait(false))
        {
            // In order: everything queued so far, then whatever was queued meanwhile, then one flush.
            while (true)
            {
                _batch = _replies.TakeAll(out int count);
                if (count == 0)
                {
                    break;
                }
                _batchCount = count;
                _written = 0;
                for (int index = 0; index < count; index++)
                {
                    ProxyRequest head = _batch[index].Item!;
                    if (index == _written && !head.IsReplyReady)
                    {
                        if (_unflushed && !_broken)
                        {
                            if (waited == 0)
                            {
                                // Nothing more to write until this reply arrives. On an event loop, replies from
                                // other nodes may still come in this batch of events: wait for its end first, so
                                // they leave in one flush.
                                Park(head);
                                await Transport.EventLoop.YieldToEndOfBatch();
                                Unpark();
                                waited = 1;
                            }
                            if (waited == 1 && index == _written && !head.IsReplyReady)
                            {
                                // The rest of the burst is still on its way from other nodes: give it one more poll
                                // of the sockets to arrive in, so the client gets its replies in one send.
                                Park(head);
                                await Transport.EventLoop.YieldToNextPoll();
                                Unpark();
                                waited = 2;
                            }
                            if (index == _written && !head.IsReplyReady)
                            {
                                // Send what we have (one flush per burst).
                                CommitOutput();
                                _broken = !await FlushAsync(output).ConfigureAwait(false);
                                _unflushed = false;
                                waited = 0;
                            }
                        }
                        if (index == _written && !head.IsReplyReady)
                        {
                            Park(head);
                            await head.WaitAsync().ConfigureAwait(false);
                            Unpark();
                            waited = 0;
                        }
                    }
                    _batch[index].Item = null;
                    if (index == _written)
                    {
                        // Not written on arrival (it came before its turn, from another thread, or as a local reply).
                        WriteReady(head);
                    }
                    bool close = head.CloseAfterReply;
                    bool counted = !head.Unsolicited;
                    if (counted)
                    {
                        Interlocked.Add(ref _pendingBytes, -(head.Frame.Length + head.Reply.Length));
                        _replied = true;
                        if (!head.Reply.IsEmpty)
                        {
                            _dispatcher.AddReplyBytesWaiting(-head.Reply.Length);
                        }
                        Account(head);
                    }
                    else
                    {
                        Interlocked.Add(ref _pushedBytes, -head.Reply.Length);
                    }
                    _pool.Return(head);
                    if (counted)
                    {
                        _pendingLimit.Release();
                    }
                    if (close)
                    {
                        if (!_broken)
                        {
                            CommitOutput();
                            await FlushAsync(output).ConfigureAwait(false);
                        }
                        _broken = true;
                        _unflushed = false;
                        _closing = true;
                        _transport.Input.CancelPendingRead();
                        await output.CompleteAsync().ConfigureAwait(false);
                    }
                }
            }
            if (_unflushed && !_broken)
            {
                CommitOutput();
                _broken = !await FlushAsync(output).ConfigureAwait(false);
                _unflushed = false;
            }
            waited = 0;
        }
        if (!_broken)
        {
            CommitOutput();
            await output.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Hands what was written to the pipe, before a flush or completion.</summary>
    private void CommitOutput()
    {
        _output.Commit();
        if (_replied)
        {
            // As Redis's lastinteraction, a reply counts as activity: a client whose BLPOP just returned after a long
            // wait is not idle.
            Volatile.Write(ref _lastActivity, Environment.TickCount64);
            _replied = false;
        }
        if (_writtenOnArrival > 0)
        {
            _dispatcher.Metrics.RepliesWrittenOnArrival(_writtenOnArrival);
            _writtenOnArrival = 0;
        }
    }

    /// <summary>Writes the reply held by <paramref name="request"/>, the next in order, to the client's output.</summary>
    private void WriteReady(ProxyRequest request)
    {
        _written++;
        if (!_broken)
        {
            Write(request.Reply.Span);
        }
    }

    private void Write(ReadOnlySpan<byte> reply)
    {
        _output.Write(reply);
        Volatile.Write(ref _bytesOut, _bytesOut + reply.Length);
        _unflushed = true;
    }

    /// <summary>The write loop is about to wait for <paramref name="head"/>'s reply, every earlier one written.</summary>
    private void Park(ProxyRequest head)
    {
        // Only on an event loop: there, the reply arriving on the same thread proves the loop is not running.
        _parkedLoop = Transport.EventLoop.Current;
        Volatile.Write(ref _parkedOn, _parkedLoop is null ? null : head);
    }

    private void Unpark() => Volatile.Write(ref _parkedOn, null);

    /// <summary>
    /// The copy-once path. When the write loop is parked on this event loop waiting for exactly this reply, nothing
    /// else can touch its state until this returns: the reply goes from the node's read buffer straight into the
    /// client's output, and any replies after it that were already in follow, so the next one can go straight out too.
    /// Elsewhere (another thread, a reply that overtook an earlier one) the request keeps a copy for the loop.
    /// </summary>
    bool IReplyTarget.TryWriteReply(ProxyRequest request, ReadOnlySpan<byte> reply)
    {
        if (!ReferenceEquals(Volatile.Read(ref _parkedOn), request) || _parkedLoop is not { IsCurrent: true }
            || _broken || request.CloseAfterReply)
        {
            return false;
        }
        _parkedOn = null;
        _written++;
        _writtenOnArrival++;
        Write(reply);
        while (_written < _batchCount)
        {
            ProxyRequest next = _batch[_written].Item!;
            if (!next.IsReplyReady)
            {
                _parkedOn = next;
                break;
            }
            if (next.CloseAfterReply)
            {
                break; // the loop closes the connection after it
            }
            WriteReady(next);
        }
        return true;
    }

    /// <summary>Counts an answered command: metrics, INFO commandstats and, when it was slow, the slow log.</summary>
    private void Account(ProxyRequest request)
    {
        Diagnostics.SlotgateMetrics metrics = _dispatcher.Metrics;
        Diagnostics.CommandStat stat = request.Stat ?? metrics.Commands.Other;
        Diagnostics.CommandResult result = Diagnostics.ReplyClassifier.Classify(request.Reply.Span);
        long completedAt = request.CompletedAt == 0 ? System.Diagnostics.Stopwatch.GetTimestamp() : request.CompletedAt;
        metrics.CommandAnswered(stat, request.Frame.Length, request.StartedAt, completedAt, result, request.Rejected);
        if (metrics.Identities.Counting)
        {
            metrics.Identities.CommandAnswered(Info.IdentityBucket);
        }
        long micros = (long)System.Diagnostics.Stopwatch.GetElapsedTime(request.StartedAt, completedAt).TotalMicroseconds;
        if (metrics.SlowLog.IsSlow(micros))
        {
            metrics.SlowLog.Add(request.Frame, micros, Info.RemoteEndpoint, Info.Name);
        }
        _dispatcher.AccessLog?.Write(Info, request, stat, result, micros);
    }

    /// <summary>Ends the connection from the proxy's side (CLIENT KILL): it stops reading and closes after pending replies.</summary>
    public void Kill()
    {
        _dispatcher.Metrics.ClientRejected("killed");
        _closing = true;
        _transport.Input.CancelPendingRead();
    }

    /// <summary>
    /// Flushes the client's output; false when the client is gone. Completes synchronously (no allocation) unless the
    /// client is not reading and its buffer is full.
    /// </summary>
    private static ValueTask<bool> FlushAsync(PipeWriter output)
    {
        try
        {
            ValueTask<FlushResult> flush = output.FlushAsync();
            if (flush.IsCompletedSuccessfully)
            {
                FlushResult result = flush.Result;
                return new ValueTask<bool>(!result.IsCompleted && !result.IsCanceled);
            }
            return AwaitFlushAsync(flush);
        }
        catch (Exception ex) when (IsConnectionGone(ex))
        {
            return new ValueTask<bool>(false);
        }
    }

    private static async ValueTask<bool> AwaitFlushAsync(ValueTask<FlushResult> flush)
    {
        try
        {
            FlushResult result = await flush.ConfigureAwait(false);
            return !result.IsCompleted && !result.IsCanceled;
        }
        catch (Exception ex) when (IsConnectionGone(ex))
        {
            return false;
        }
    }

    private static bool IsConnectionGone(Exception ex) =>
        ex is IOException or ObjectDisposedException or InvalidOperationException or ConnectionResetException;

    private static partial class Log
    {
        [LoggerMessage(EventId = 500, Level = LogLevel.Debug, Message = "Client {Id} read ended: {Reason}")]
        public static partial void ReadEnded(ILogger logger, long id, string reason);

        [LoggerMessage(EventId = 501, Level = LogLevel.Debug, Message = "Client {Id} protocol error: {Error}")]
        public static partial void ProtocolError(ILogger logger, long id, string error);

        [LoggerMessage(EventId = 502, Level = LogLevel.Warning, Message = "Client {Id} ({Address}) closed: more than {Limit} bytes of published messages waiting for it (limits.pubsubOutputBufferLimit)")]
        public static partial void PubSubOutputLimitReached(ILogger logger, long id, string address, long limit);
    }
}
