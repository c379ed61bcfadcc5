namespace Slotgate.Backend;

/// <summary>
/// The FIFO of requests written to a connection and awaiting replies. A plain ring buffer under a lock: it grows to the
/// deepest pipeline seen and is reused from then on, so it never allocates in steady state. (ConcurrentQueue stops
/// reusing its segments once anyone peeks at it, which the timeout sweep must do.)
/// </summary>
internal sealed class InflightQueue
{
    private readonly Queue<BackendRequest> _queue = new(64);
    private readonly Lock _gate = new();

    /// <summary>Takes the queue's lock for a batch of <see cref="EnqueueLocked"/> calls (one lock per batch, not per request).</summary>
    public Lock.Scope EnterBatch() => _gate.EnterScope();

    /// <summary>Appends while the caller holds <see cref="EnterBatch"/>'s scope.</summary>
    public void EnqueueLocked(BackendRequest request) => _queue.Enqueue(request);

    public void Enqueue(BackendRequest request)
    {
        lock (_gate)
        {
            _queue.Enqueue(request);
        }
    }

    public bool TryDequeue([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out BackendRequest? request)
    {
        lock (_gate)
        {
            return _queue.TryDequeue(out request);
        }
    }

    /// <summary>When the oldest unanswered request was sent, or false when nothing (or only a blocking command) is in flight.</summary>
    public bool TryGetOldestSentAt(out long sentAt)
    {
        lock (_gate)
        {
            if (_queue.TryPeek(out BackendRequest? head) && !head.Blocking)
            {
                sentAt = head.SentAt;
                return true;
            }
        }
        sentAt = 0;
        return false;
    }
}
