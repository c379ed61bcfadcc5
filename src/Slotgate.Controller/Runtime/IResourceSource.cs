using k8s;

namespace Slotgate.Controller.Runtime;

/// <summary>One kind of object on the API server, as an <see cref="Informer{T}"/> reads it: a list, then a watch from its resourceVersion.</summary>
internal interface IResourceSource<T>
{
    /// <summary>What the informer's log lines call it, e.g. <c>gateways.gateway.networking.k8s.io</c>.</summary>
    string Resource { get; }

    Task<(IReadOnlyList<T> Items, string ResourceVersion)> ListAsync(CancellationToken cancellationToken);

    IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(string resourceVersion, Action<Exception> onError, CancellationToken cancellationToken);

    /// <summary>The object's cache key (<c>namespace/name</c>, or <c>name</c> when cluster-scoped) and resourceVersion.</summary>
    (string Key, string ResourceVersion) Identify(T item);
}
