using System.Net;
using k8s;
using k8s.Autorest;
using Microsoft.Extensions.Logging;

namespace Slotgate.Controller.Runtime;

/// <summary>
/// A cache of one kind of object kept current the way client-go's reflector does it: list, then watch from the list's
/// resourceVersion; every event updates the cache and calls the handler with the old and new object (null for
/// added/deleted). A stream that ends is reopened from the last resourceVersion seen (bookmarks included); a
/// <c>410 Gone</c>/<c>Expired</c> (the server no longer has that version) makes it list again, and the difference
/// between the old cache and the new list is reported as events, so no change is lost. Errors back off exponentially
/// up to a bound.
/// </summary>
internal sealed partial class Informer<T>(
    IResourceSource<T> source, Action<T?, T?> handler, InformerOptions options, ILogger logger) where T : class
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, T> _items = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Resource => source.Resource;

    public bool HasSynced => _synced.Task.IsCompleted;

    /// <summary>Completes once the first list is in the cache.</summary>
    public Task Synced => _synced.Task;

    public IReadOnlyList<T> Items
    {
        get
        {
            lock (_lock)
            {
                return [.. _items.Values];
            }
        }
    }

    public T? Get(string key)
    {
        lock (_lock)
        {
            return _items.GetValueOrDefault(key);
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = new Backoff(options.InitialBackoff, options.MaxBackoff);
        string? resourceVersion = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    (IReadOnlyList<T> items, string listVersion) = await source.ListAsync(cancellationToken).ConfigureAwait(false);
                    Replace(items);
                    resourceVersion = listVersion;
                    _synced.TrySetResult();
                    backoff.Reset();
                    Log.Listed(logger, source.Resource, items.Count, listVersion);
                }

                bool expired = false;
                Exception? streamError = null;
                int events = 0;
                DateTime opened = DateTime.UtcNow;
                await foreach ((WatchEventType type, T item) in source.WatchAsync(resourceVersion, e =>
                {
                    if (IsExpired(e))
                    {
                        expired = true;
                    }
                    else
                    {
                        streamError = e;
                    }
                }, cancellationToken).ConfigureAwait(false))
                {
                    events++;
                    resourceVersion = Apply(type, item) ?? resourceVersion;
                    backoff.Reset();
                }
                if (expired)
                {
                    Log.Expired(logger, source.Resource, resourceVersion);
                    resourceVersion = null;
                    continue;
                }
                if (streamError is not null)
                {
                    Log.WatchFailed(logger, source.Resource, Describe(streamError));
                    await Task.Delay(backoff.Next(), cancellationToken).ConfigureAwait(false);
                }
                else if (events == 0 && DateTime.UtcNow - opened < TimeSpan.FromSeconds(1))
                {
                    // A server that closes every stream at once must not be hammered.
                    await Task.Delay(backoff.Next(), cancellationToken).ConfigureAwait(false);
                }
                Log.Reconnecting(logger, source.Resource, resourceVersion);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (HttpOperationException e) when (e.Response?.StatusCode == HttpStatusCode.NotFound)
            {
                resourceVersion = null;
                // The kind is not served (e.g. TCPRoute without the experimental-channel CRDs): an empty cache, so the
                // rest of the controller works, and a slow retry in case the CRD is installed later.
                if (!_synced.Task.IsCompleted)
                {
                    Log.NotServed(logger, source.Resource);
                }
                Replace([]);
                _synced.TrySetResult();
                try
                {
                    await Task.Delay(options.MaxBackoff, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            catch (Exception e) when (IsExpired(e))
            {
                Log.Expired(logger, source.Resource, resourceVersion);
                resourceVersion = null;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Whatever went wrong (network, server, a body that did not parse), the cache must not stop: back off
                // and list or watch again.
                TimeSpan delay = backoff.Next();
                Log.Failed(logger, source.Resource, Describe(e), delay.TotalMilliseconds);
                try
                {
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private string? Apply(WatchEventType type, T item)
    {
        (string key, string version) = source.Identify(item);
        T? old;
        switch (type)
        {
            case WatchEventType.Added:
            case WatchEventType.Modified:
                lock (_lock)
                {
                    old = _items.GetValueOrDefault(key);
                    _items[key] = item;
                }
                handler(old, item);
                return version;
            case WatchEventType.Deleted:
                lock (_lock)
                {
                    old = _items.GetValueOrDefault(key);
                    _items.Remove(key);
                }
                handler(old ?? item, null);
                return version;
            case WatchEventType.Bookmark:
                return version.Length > 0 ? version : null;
            default:
                return null;
        }
    }

    /// <summary>Replaces the cache with a fresh list and reports what changed since the last one.</summary>
    private void Replace(IReadOnlyList<T> items)
    {
        var changes = new List<(T? Old, T? New)>();
        lock (_lock)
        {
            var fresh = new Dictionary<string, T>(StringComparer.Ordinal);
            foreach (T item in items)
            {
                (string key, string version) = source.Identify(item);
                fresh[key] = item;
                T? old = _items.GetValueOrDefault(key);
                if (old is null || source.Identify(old).ResourceVersion != version)
                {
                    changes.Add((old, item));
                }
            }
            foreach ((string key, T old) in _items)
            {
                if (!fresh.ContainsKey(key))
                {
                    changes.Add((old, null));
                }
            }
            _items.Clear();
            foreach ((string key, T item) in fresh)
            {
                _items[key] = item;
            }
        }
        foreach ((T? old, T? item) in changes)
        {
            handler(old, item);
        }
    }

    private static bool IsExpired(Exception e) => e switch
    {
        KubernetesException k => k.Status?.Code == (int)HttpStatusCode.Gone || k.Status?.Reason is "Expired" or "Gone",
        HttpOperationException h => h.Response?.StatusCode == HttpStatusCode.Gone,
        _ => false,
    };

    private static string Describe(Exception e) => e switch
    {
        HttpOperationException h => $"{(int?)h.Response?.StatusCode} {h.Response?.Content}",
        KubernetesException k => $"{k.Status?.Code} {k.Status?.Reason}: {k.Status?.Message}",
        _ => e.Message,
    };

    private static partial class Log
    {
        [LoggerMessage(100, LogLevel.Debug, "{Resource}: listed {Count} objects at resourceVersion {ResourceVersion}")]
        public static partial void Listed(ILogger logger, string resource, int count, string resourceVersion);

        [LoggerMessage(101, LogLevel.Information, "{Resource}: resourceVersion {ResourceVersion} expired (410 Gone); listing again")]
        public static partial void Expired(ILogger logger, string resource, string? resourceVersion);

        [LoggerMessage(102, LogLevel.Warning, "{Resource}: watch failed: {Error}")]
        public static partial void WatchFailed(ILogger logger, string resource, string error);

        [LoggerMessage(103, LogLevel.Debug, "{Resource}: watch closed; watching again from resourceVersion {ResourceVersion}")]
        public static partial void Reconnecting(ILogger logger, string resource, string? resourceVersion);

        [LoggerMessage(105, LogLevel.Warning, "{Resource}: not served by the API server (is its CRD installed?); treated as empty")]
        public static partial void NotServed(ILogger logger, string resource);

        [LoggerMessage(104, LogLevel.Warning, "{Resource}: list/watch failed: {Error}; retrying in {DelayMs:F0} ms")]
        public static partial void Failed(ILogger logger, string resource, string error, double delayMs);
    }
}
