using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Slotgate.Protocol;
using Slotgate.Routing;

namespace Slotgate.Proxy;

/// <summary>
/// The writing half of a client connection. Replies leave strictly in the order the client sent its commands,
/// whichever node answered first, with published messages between them, and one flush per burst. As each reply
/// leaves, its command is counted: metrics, INFO commandstats, the slow log and the access log.
/// <para>
/// Single-thread invariant. The writer's state (the output, the batch of replies being written and how many of them
/// are written) belongs to the write loop, which runs on one thread at a time. There is one exception, the copy-once
/// path: while the loop is parked on an event loop waiting for exactly the reply that arrives,
/// <see cref="IReplyTarget.TryWriteReply"/> on that same event loop may use the state, because the loop cannot resume
/// before the event loop returns to it. The loop lends its state by parking and takes it back when it resumes; so the
/// state is used by one thread, never by two at once, and nothing else may touch it. Debug builds check the hand-over
/// (<see cref="TakeState"/>, <see cref="LendState"/>); release builds pay nothing for the check.
/// </para>
/// </summary>
internal sealed class ReplyWriter : IReplyTarget
{
    private readonly ClientSession _session;
    private readonly CommandDispatcher _dispatcher;
    private readonly ClientInfo _info;
    private readonly RequestPool _pool = RequestPool.Shared;
    private readonly Backend.BatchQueue<ProxyRequest> _replies;
    private readonly PipelineLimit _pending;
    private readonly PushOutputLimit _pushes;
    private readonly PipeWriter _pipe;
    private long _bytesOut; // written by whoever holds the state below

    // The state of the single-thread invariant above.
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
    private ReplyMode _mode; // CLIENT REPLY, applied in command order
#if DEBUG
    private int _stateInUse; // 1 while the loop or TryWriteReply uses the state
#endif

    public ReplyWriter(ClientSession session, PipeWriter output, CommandDispatcher dispatcher, PipelineLimit pending, PushOutputLimit pushes)
    {
        _session = session;
        _info = session.Info;
        _dispatcher = dispatcher;
        // On the event loops the writer runs on the thread that queued a command: it only registers for that reply.
        // Small at first: most clients have a command or two in flight (a PHP page, a pooled connection), and a client
        // that pipelines grows the queue to its depth once.
        _replies = new Backend.BatchQueue<ProxyRequest>(inlineContinuations: dispatcher.InlineReplies, initialCapacity: 8);
        _pending = pending;
        _pushes = pushes;
        _pipe = output;
    }

    /// <summary>Bytes of replies and pushes written to the client so far.</summary>
    public long BytesOut => Volatile.Read(ref _bytesOut);

    /// <summary>Queues <paramref name="request"/>, a command just read: its reply is written after every earlier one.</summary>
    public void Add(ProxyRequest request)
    {
        request.ReplyTarget = this;
        _replies.TryWrite(request);
    }

    /// <summary>
    /// Queues a published message, already counted against the output limit. It is not an answer to any command, so
    /// it takes no pipeline slot.
    /// </summary>
    public void Push(in ReadOnlySequence<byte> message)
    {
        ProxyRequest push = _pool.Rent();
        push.SetReply(message);
        push.Unsolicited = true;
        _replies.TryWrite(push);
        push.Complete();
    }

    /// <summary>No more replies will be queued: the loop ends once those queued are written.</summary>
    public void Complete() => _replies.Complete();

    /// <summary>Writes the replies until <see cref="Complete"/> and the last one written, then completes the output.</summary>
    public async Task RunAsync()
    {
        TakeState();
        PipeWriter output = _pipe;
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
                        _pending.AddBytes(-(head.Frame.Length + head.Reply.Length));
                        _replied = true;
                        if (!head.Reply.IsEmpty)
                        {
                            _dispatcher.AddReplyBytesWaiting(-head.Reply.Length);
                        }
                        Account(head);
                    }
                    else
                    {
                        _pushes.Remove(head.Reply.Length);
                    }
                    _pool.Return(head);
                    if (counted)
                    {
                        _pending.Release();
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
                        _session.StopReading();
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
        LendState();
    }

    /// <summary>Hands what was written to the pipe, before a flush or completion.</summary>
    private void CommitOutput()
    {
        _output.Commit();
        if (_replied)
        {
            // As Redis's lastinteraction, a reply counts as activity: a client whose BLPOP just returned after a long
            // wait is not idle.
            _session.NoteActivity();
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
        if (!_broken && (request.Unsolicited || !_mode.Suppress(request)))
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

    /// <summary>
    /// The loop is about to wait for <paramref name="head"/>'s reply, every earlier one written: it lends its state to
    /// that reply's arrival.
    /// </summary>
    private void Park(ProxyRequest head)
    {
        LendState();
        // Only on an event loop: there, the reply arriving on the same thread proves the loop is not running.
        _parkedLoop = Transport.EventLoop.Current;
        Volatile.Write(ref _parkedOn, _parkedLoop is null ? null : head);
    }

    /// <summary>The loop resumed: its state is its own again.</summary>
    private void Unpark()
    {
        Volatile.Write(ref _parkedOn, null);
        TakeState();
    }

    /// <summary>
    /// The copy-once path. When the write loop is parked on this event loop waiting for exactly this reply, nothing
    /// else can touch its state until this returns: the reply goes from the node's read buffer straight into the
    /// client's output, and any replies after it that were already in follow, so the next one can go straight out too.
    /// Elsewhere (another thread, a reply that overtook an earlier one) the request keeps a copy for the loop.
    /// </summary>
    bool IReplyTarget.TryWriteReply(ProxyRequest request, ReadOnlySpan<byte> reply)
    {
        if (!ReferenceEquals(Volatile.Read(ref _parkedOn), request) || _parkedLoop is not { IsCurrent: true }
            || _broken || request.CloseAfterReply || _mode.Active)
        {
            return false;
        }
        TakeState();
        Debug.Assert(_written < _batchCount && ReferenceEquals(_batch[_written].Item, request), "the parked reply is the next to write");
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
        LendState();
        return true;
    }

    /// <summary>A reply of this client's is final but not yet written to it: its bytes count until they are.</summary>
    void IReplyTarget.ReplyReady(int bytes)
    {
        if (bytes > 0) // 0 when the reply went straight to the client
        {
            _pending.AddBytes(bytes);
            _dispatcher.AddReplyBytesWaiting(bytes);
        }
    }

    /// <summary>Counts an answered command: metrics, INFO commandstats and, when it was slow, the slow log.</summary>
    private void Account(ProxyRequest request)
    {
        Diagnostics.SlotgateMetrics metrics = _dispatcher.Metrics;
        Diagnostics.CommandStat stat = request.Stat ?? metrics.Commands.Other;
        Diagnostics.CommandResult result = Diagnostics.ReplyClassifier.Classify(request.Reply.Span);
        long completedAt = request.CompletedAt == 0 ? Stopwatch.GetTimestamp() : request.CompletedAt;
        metrics.CommandAnswered(stat, request.Frame.Length, request.StartedAt, completedAt, result, request.Rejected);
        if (metrics.Identities.Counting)
        {
            metrics.Identities.CommandAnswered(_info.IdentityBucket);
        }
        long micros = (long)Stopwatch.GetElapsedTime(request.StartedAt, completedAt).TotalMicroseconds;
        if (metrics.SlowLog.IsSlow(micros))
        {
            metrics.SlowLog.Add(request.Frame, micros, _info.RemoteEndpoint, _info.Name);
        }
        _dispatcher.AccessLog?.Write(_info, request, stat, result, micros);
    }

    /// <summary>The calling thread starts using the writer's state; debug builds check that no other thread is.</summary>
    [Conditional("DEBUG")]
    private void TakeState()
    {
#if DEBUG
        Debug.Assert(Interlocked.Exchange(ref _stateInUse, 1) == 0, "the reply writer's state is in use on another thread");
#endif
    }

    /// <summary>The calling thread stops using the writer's state (the loop parks, or the copy-once path is done).</summary>
    [Conditional("DEBUG")]
    private void LendState()
    {
#if DEBUG
        Debug.Assert(Interlocked.Exchange(ref _stateInUse, 0) == 1, "the reply writer's state was not in use");
#endif
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
}
