using System.Threading.Channels;

namespace Slotgate.Controller.Runtime;

/// <summary>
/// Keys of objects to reconcile, as client-go's rate-limited work queue: a key waiting is not added twice, a key being
/// processed is not handed to a second worker (if it is added meanwhile it is processed again afterwards), and a key
/// that failed comes back after a per-key exponential back-off, so one bad object delays only itself.
/// </summary>
internal sealed class WorkQueue(TimeSpan initialRetry, TimeSpan maxRetry) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private readonly HashSet<string> _processing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly Channel<string> _ready = Channel.CreateUnbounded<string>();
    private readonly CancellationTokenSource _disposed = new();

    /// <summary>Keys waiting or being processed (for tests and logs).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _dirty.Count + _processing.Count;
            }
        }
    }

    public void Add(string key)
    {
        lock (_lock)
        {
            if (!_dirty.Add(key) || _processing.Contains(key))
            {
                return;
            }
        }
        _ready.Writer.TryWrite(key);
    }

    public void AddAfter(string key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }
        _ = Task.Delay(delay, _disposed.Token).ContinueWith(
            _ => Add(key), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    /// <summary>Adds the key again after its back-off (doubling with each consecutive failure); returns the delay.</summary>
    public TimeSpan AddRateLimited(string key)
    {
        int failures;
        lock (_lock)
        {
            failures = _failures[key] = _failures.GetValueOrDefault(key) + 1;
        }
        TimeSpan delay = Backoff.After(failures, initialRetry, maxRetry);
        AddAfter(key, delay);
        return delay;
    }

    /// <summary>The key succeeded: its next failure starts the back-off again from the beginning.</summary>
    public void Forget(string key)
    {
        lock (_lock)
        {
            _failures.Remove(key);
        }
    }

    public async Task<string> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            string key = await _ready.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                if (_dirty.Remove(key))
                {
                    _processing.Add(key);
                    return key;
                }
            }
        }
    }

    /// <summary>The worker is done with the key; if it was added meanwhile, it is queued again.</summary>
    public void Done(string key)
    {
        bool again;
        lock (_lock)
        {
            _processing.Remove(key);
            again = _dirty.Contains(key);
        }
        if (again)
        {
            _ready.Writer.TryWrite(key);
        }
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
        _ready.Writer.TryComplete();
    }
}
