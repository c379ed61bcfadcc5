using System.Threading.Tasks.Sources;

namespace Slotgate.Backend;

/// <summary>
/// Items for one consumer from any number of producers, taken a whole batch at a time: a producer appends under a
/// lock, the consumer swaps the list for an empty one under the same lock, so it takes one lock per batch rather than
/// per item (what a channel costs). The consumer waits with <see cref="WaitToReadAsync"/>, one wait at a time.
/// </summary>
internal sealed class BatchQueue<T> : IValueTaskSource<bool>
    where T : class
{
    private readonly Lock _gate = new();
    private Slot[] _items;
    private Slot[] _spare;
    private int _count;
    private ManualResetValueTaskSourceCore<bool> _signal;
    private bool _waiting;
    private bool _completed;

    /// <param name="inlineContinuations">Resume the consumer on the producer's thread (event loops) rather than the thread pool.</param>
    /// <param name="initialCapacity">Items held before the storage grows (it doubles as needed, and stays grown).</param>
    public BatchQueue(bool inlineContinuations, int initialCapacity = 64)
    {
        _signal.RunContinuationsAsynchronously = !inlineContinuations;
        _items = new Slot[initialCapacity];
        _spare = new Slot[initialCapacity];
    }

    /// <summary>Appends <paramref name="item"/>; false once the queue is completed.</summary>
    public bool TryWrite(T item)
    {
        bool wake;
        lock (_gate)
        {
            if (_completed)
            {
                return false;
            }
            if (_count == _items.Length)
            {
                Array.Resize(ref _items, _items.Length * 2);
            }
            _items[_count++].Item = item;
            wake = _waiting;
            _waiting = false;
        }
        if (wake)
        {
            _signal.SetResult(true);
        }
        return true;
    }

    /// <summary>No more items will be accepted; the consumer's wait ends once the queue is empty.</summary>
    public void Complete()
    {
        bool wake;
        lock (_gate)
        {
            if (_completed)
            {
                return;
            }
            _completed = true;
            wake = _waiting;
            _waiting = false;
        }
        if (wake)
        {
            _signal.SetResult(false);
        }
    }

    /// <summary>True when items are waiting; false when the queue is completed and empty.</summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        lock (_gate)
        {
            if (_count > 0)
            {
                return new ValueTask<bool>(true);
            }
            if (_completed)
            {
                return new ValueTask<bool>(false);
            }
            _signal.Reset();
            _waiting = true;
        }
        return new ValueTask<bool>(this, _signal.Version);
    }

    /// <summary>
    /// The consumer takes everything queued. The slots are its own until it calls this again, and it must clear them
    /// (<see cref="Span{T}.Clear"/>) before then, since their array is reused.
    /// </summary>
    public Span<Slot> TakeAll() => TakeAll(out int count).AsSpan(0, count);

    /// <summary>
    /// <see cref="TakeAll()"/> for a consumer that awaits between items: the first <paramref name="count"/> slots of the
    /// array returned, which it must clear before it takes again.
    /// </summary>
    public Slot[] TakeAll(out int count)
    {
        lock (_gate)
        {
            Slot[] batch = _items;
            count = _count;
            _items = _spare;
            _spare = batch;
            _count = 0;
            return batch;
        }
    }

    /// <summary>Removes and returns everything queued, from any thread (failing a connection); allocates, so not for the hot path.</summary>
    public T[] Drain()
    {
        lock (_gate)
        {
            var items = new T[_count];
            for (int i = 0; i < _count; i++)
            {
                items[i] = _items[i].Item!;
                _items[i].Item = null;
            }
            _count = 0;
            return items;
        }
    }

    /// <summary>One queued item: a struct, so storing it needs no array type check.</summary>
    public struct Slot
    {
        public T? Item;
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _signal.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _signal.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _signal.OnCompleted(continuation, state, token, flags);
}
