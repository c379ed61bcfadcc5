using System.Buffers;
using System.Threading.Tasks.Sources;
using Slotgate.Backend;

namespace Slotgate.Routing;

/// <summary>
/// One client command on its way through Slotgate, and later its reply. Pooled: a session rents one per command
/// and returns it once the reply has been written to the client, so the steady state allocates nothing.
/// A split command is a parent whose children (also pooled requests) each carry the keys of one hash slot.
/// </summary>
internal sealed class ProxyRequest : BackendRequest, IValueTaskSource
{
    private const int MaxRetainedReplyBuffer = 64 * 1024;
    private const int MaxRetainedFrameBuffer = 1024 * 1024;

    private ArrayBufferWriter<byte> _reply = new(256);
    // Continuations run inline on the thread that completes the reply (a backend reader): the session's writer then
    // copies the reply into the client's pipe right away, with no thread-pool hop and no work item allocated per command.
    // The writer never blocks (its flushes are awaited), so the backend reader is only borrowed briefly.
    private ManualResetValueTaskSourceCore<bool> _completion = new() { RunContinuationsAsynchronously = false };
    private int _pendingChildren;
    private long _answeredAt; // when the node's reply that completes this request was read; 0 otherwise
    private int[] _keyPositions = new int[4];

    public ProxyRequest(RequestPool pool)
    {
        Pool = pool;
    }

    public RequestPool Pool { get; }

    /// <summary>The router that follows this request's redirects.</summary>
    public Router? Router { get; set; }

    /// <summary>The command's hash slot, or <see cref="Cluster.HashSlot.None"/> for keyless commands.</summary>
    public int Slot { get; set; }

    /// <summary>When set, the request goes to this node rather than the slot owner (fan-out to every primary).</summary>
    public string? Target { get; set; }

    /// <summary>Picks the backend connection, so one client's commands to a node share a connection and stay in order.</summary>
    public int Affinity { get; set; }

    /// <summary>The client speaks RESP3: forwarded on RESP3 backend connections, whose replies pass through as they are.</summary>
    public bool Resp3 { get; set; }

    /// <summary>A read-only command, which the read policy may send to a replica.</summary>
    public bool ReadOnly { get; set; }

    /// <summary><see cref="System.Diagnostics.Stopwatch"/> time until which the request may wait for a failover (0: not waiting yet).</summary>
    public long FailoverDeadline { get; set; }

    /// <summary>MOVED/ASK/TRYAGAIN redirects followed so far.</summary>
    public int Redirects { get; set; }

    /// <summary>A pushed pub/sub message rather than a reply to a client command (it holds no pipeline slot).</summary>
    public bool Unsolicited { get; set; }

    /// <summary>Close the client connection once this reply is written (QUIT, protocol errors).</summary>
    public bool CloseAfterReply { get; set; }

    /// <summary>
    /// The client's session, which counts the final reply's size until it is written and may take the reply straight
    /// from the node's buffer; null for parts and pushes.
    /// </summary>
    public IReplyTarget? ReplyTarget { get; set; }

    /// <summary>How the children's replies are combined (split and fan-out commands only).</summary>
    public MergeKind Merge { get; set; }

    /// <summary>INFO only: the sections Slotgate answers itself, written before the merged keyspace section.</summary>
    public string? InfoPrefix { get; set; }

    /// <summary>INFO only: Slotgate's own Stats fields, which replace the primaries' sums of the same names.</summary>
    public IReadOnlyDictionary<string, string>? InfoStats { get; set; }

    /// <summary>INFO only: sections written after the merged ones (commandstats, latencystats).</summary>
    public string? InfoSuffix { get; set; }

    /// <summary>INFO only: whether the merged reply includes the Keyspace section.</summary>
    public bool InfoKeyspace { get; set; }

    /// <summary>The command's counters (INFO commandstats, metrics); null for pushes and sub-requests.</summary>
    public Diagnostics.CommandStat? Stat { get; set; }

    /// <summary><see cref="System.Diagnostics.Stopwatch"/> time the command was read, and its reply became final.</summary>
    public long StartedAt { get; set; }

    public long CompletedAt { get; private set; }

    /// <summary>Refused by Slotgate before reaching Redis (arity, CROSSSLOT, disabled...): counted as rejected_calls.</summary>
    public bool Rejected { get; set; }

    /// <summary>An injected delay fault: the finished reply is held back this long before the client's writer sees it.</summary>
    public TimeSpan FaultDelay { get; set; }

    public ProxyRequest? Parent { get; private set; }

    public List<ProxyRequest> Children { get; } = [];

    /// <summary>For a child of a split command: positions of its keys in the parent command's reply.</summary>
    public ReadOnlySpan<int> KeyPositions => _keyPositions.AsSpan(0, KeyPositionCount);

    public int KeyPositionCount { get; private set; }

    public bool IsCompleted { get; private set; }

    /// <summary>The reply to send to the client (or a child's reply, before merging).</summary>
    public ReadOnlyMemory<byte> Reply => _reply.WrittenMemory;

    /// <summary>Where local handlers and mergers write the reply.</summary>
    public IBufferWriter<byte> ReplyWriter => _reply;

    public bool ReplyIsError => _reply.WrittenCount > 0 && _reply.WrittenSpan[0] == (byte)'-';

    public void AddKeyPosition(int position)
    {
        if (KeyPositionCount == _keyPositions.Length)
        {
            Array.Resize(ref _keyPositions, _keyPositions.Length * 2);
        }
        _keyPositions[KeyPositionCount++] = position;
    }

    public void AddChild(ProxyRequest child)
    {
        child.Parent = this;
        child.Affinity = Affinity;
        // Parts of split and fanned-out commands speak RESP2: the mergers build the reply from RESP2 parts.
        child.Resp3 = false;
        child.Router = Router;
        Children.Add(child);
    }

    /// <summary>Call once all children are added and before any is sent.</summary>
    public void ExpectChildren() => _pendingChildren = Children.Count;

    public override void OnReply(in ReadOnlySequence<byte> reply)
    {
        if (Router is { } router && reply.FirstSpan[0] == (byte)'-' && router.TryRedirect(this, reply))
        {
            return;
        }
        SetReply(reply);
        _answeredAt = RepliedAt;
        Complete();
    }

    public override void OnReply(ReadOnlyMemory<byte> reply)
    {
        ReadOnlySpan<byte> bytes = reply.Span;
        if (bytes[0] == (byte)'-' && Router is not null)
        {
            OnReply(new ReadOnlySequence<byte>(reply)); // errors may be redirects, which are parsed from the sequence
            return;
        }
        if (ReplyTarget is { } target && FaultDelay == TimeSpan.Zero && bytes[0] != (byte)'-' && target.TryWriteReply(this, bytes))
        {
            // Written to the client from the node's buffer: the one copy of this reply. The request keeps none (so
            // only replies that are not errors: the accounting classifies the reply it holds).
            _reply.ResetWrittenCount();
        }
        else
        {
            SetReply(bytes);
        }
        _answeredAt = RepliedAt;
        Complete();
    }

    public override void OnFailure(string error)
    {
        if (ReadOnly && Router is { } router && router.TryReadFromPrimaryInstead(this))
        {
            return;
        }
        if (SentTo is null && Router is { } waiting && waiting.TryWaitForFailover(this))
        {
            return;
        }
        if (SentTo is null && Router is { } owner)
        {
            // Its node cannot be reached: keep refreshing (debounced) while commands meet it, so a promoted replica is
            // found within the debounce interval rather than at the next reconnect attempt, whose back-off grows.
            owner.Topology.RequestRefresh("a command found its node unreachable");
        }
        SetError(error);
        Complete();
    }

    public void SetReply(in ReadOnlySequence<byte> reply)
    {
        _reply.ResetWrittenCount();
        int length = checked((int)reply.Length);
        reply.CopyTo(_reply.GetSpan(length));
        _reply.Advance(length);
    }

    public void SetReply(ReadOnlySpan<byte> reply)
    {
        _reply.ResetWrittenCount();
        reply.CopyTo(_reply.GetSpan(reply.Length));
        _reply.Advance(reply.Length);
    }

    /// <summary>Replaces the reply with <c>-<paramref name="error"/></c>.</summary>
    public void SetError(string error)
    {
        _reply.ResetWrittenCount();
        Protocol.RespWriter.WriteError(_reply, error);
    }

    /// <summary>The reply is final: wake the session's writer, or tell the parent one more child is done.</summary>
    public void Complete()
    {
        IsCompleted = true;
        if (Parent is { } parent)
        {
            if (Interlocked.Decrement(ref parent._pendingChildren) == 0)
            {
                try
                {
                    ReplyMerger.Merge(parent);
                }
                catch (Protocol.RespProtocolException ex)
                {
                    parent.SetError("ERR Slotgate: could not merge replies: " + ex.Message);
                }
                parent.Complete();
            }
            return;
        }
        if (FaultDelay > TimeSpan.Zero)
        {
            TimeSpan delay = FaultDelay;
            FaultDelay = TimeSpan.Zero;
            _ = CompleteAfterAsync(delay);
            return;
        }
        Release();
    }

    private async Task CompleteAfterAsync(TimeSpan delay)
    {
        await Task.Delay(delay).ConfigureAwait(false);
        _answeredAt = 0; // the delay counts
        Release();
    }

    private void Release()
    {
        // Taken before waking the writer: the continuation runs inline and may recycle this request. A node's reply
        // was timed when its connection read it; anything else is timed now.
        CompletedAt = _answeredAt != 0 ? _answeredAt : System.Diagnostics.Stopwatch.GetTimestamp();
        ReplyTarget?.ReplyReady(_reply.WrittenCount);
        _completion.SetResult(true);
    }

    /// <summary>True once the reply is ready (what <see cref="WaitAsync"/> waits for), read without a ValueTask.</summary>
    public bool IsReplyReady => _completion.GetStatus(_completion.Version) != ValueTaskSourceStatus.Pending;

    /// <summary>Completes when the reply is ready.</summary>
    public ValueTask WaitAsync() => new(this, _completion.Version);

    /// <summary>Clears the request for reuse; children go back to the pool too.</summary>
    public void Reset()
    {
        foreach (ProxyRequest child in Children)
        {
            child.Parent = null;
            Pool.Return(child);
        }
        Children.Clear();
        // Very large commands and replies are rare; don't keep their buffers alive in the pool. (Clear() would only
        // zero the reply buffer: ArrayBufferWriter never shrinks, so it is replaced.)
        Frame.ResetAndTrim(MaxRetainedFrameBuffer);
        if (_reply.Capacity > MaxRetainedReplyBuffer)
        {
            _reply = new ArrayBufferWriter<byte>(256);
        }
        _reply.ResetWrittenCount();
        _completion.Reset();
        Router = null;
        Target = null;
        Slot = Cluster.HashSlot.None;
        Redirects = 0;
        Resp3 = false;
        ReadOnly = false;
        FailoverDeadline = 0;
        FaultDelay = TimeSpan.Zero;
        Asking = false;
        SentTo = null;
        CloseAfterReply = false;
        ReplyTarget = null;
        Unsolicited = false;
        Merge = MergeKind.None;
        InfoPrefix = null;
        InfoStats = null;
        InfoSuffix = null;
        InfoKeyspace = false;
        KeyPositionCount = 0;
        Stat = null;
        StartedAt = 0;
        CompletedAt = 0;
        RepliedAt = 0;
        _answeredAt = 0;
        Rejected = false;
        IsCompleted = false;
        _pendingChildren = 0;
    }

    void IValueTaskSource.GetResult(short token) => _completion.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _completion.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _completion.OnCompleted(continuation, state, token, flags);
}
