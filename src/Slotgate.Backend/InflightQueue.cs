namespace Slotgate.Backend;

/// <summary>
/// The FIFO of requests written to a connection and awaiting replies: a ring buffer under a <see cref="Lock"/>. It grows
/// to the deepest pipeline seen and is reused from then on, so it never allocates in steady state. (ConcurrentQueue
/// stops reusing its segments once anyone peeks at it, which the timeout sweep must do.) Entries are structs, so
/// storing a request is a plain reference store, without the type check an array of a reference type needs.
/// </summary>
internal sealed class InflightQueue
{
    private readonly Lock _gate = new();
    private Entry[] _ring = new Entry[64];
    private int _head;
    private int _count;

    /// <summary>Takes the queue's lock for a batch of <see cref="EnqueueLocked"/> calls (one lock per batch, not per request).</summary>
    public Lock.Scope EnterBatch() => _gate.EnterScope();

    /// <summary>Appends while the caller holds <see cref="EnterBatch"/>'s scope.</summary>
    public void EnqueueLocked(BackendRequest request)
    {
        if (_count == _ring.Length)
        {
            Grow();
        }
        _ring[(_head + _count) & (_ring.Length - 1)].Request = request;
        _count++;
    }

    public void Enqueue(BackendRequest request)
    {
        lock (_gate)
        {
            EnqueueLocked(request);
        }
    }

    public bool TryDequeue([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out BackendRequest? request)
    {
        lock (_gate)
        {
            if (_count == 0)
            {
                request = null;
                return false;
            }
            ref Entry head = ref _ring[_head];
            request = head.Request!;
            head.Request = null;
            _head = (_head + 1) & (_ring.Length - 1);
            _count--;
            return true;
        }
    }

    /// <summary>When the oldest unanswered request was sent, or false when nothing (or only a blocking command) is in flight.</summary>
    public bool TryGetOldestSentAt(out long sentAt)
    {
        lock (_gate)
        {
            if (_count > 0 && _ring[_head].Request is { Blocking: false } head)
            {
                sentAt = head.SentAt;
                return true;
            }
        }
        sentAt = 0;
        return false;
    }

    private void Grow()
    {
        var larger = new Entry[_ring.Length * 2];
        for (int i = 0; i < _count; i++)
        {
            larger[i] = _ring[(_head + i) & (_ring.Length - 1)];
        }
        _ring = larger;
        _head = 0;
    }

    private struct Entry
    {
        public BackendRequest? Request;
    }
}
