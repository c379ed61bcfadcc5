using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;

namespace Slotgate.Controller.Runtime;

/// <summary>
/// A list and watch of a built-in kind through its generated calls, e.g. <c>ListServiceForAllNamespacesAsync</c> and
/// <c>WatchListServiceForAllNamespacesAsync</c>.
/// </summary>
internal sealed class TypedSource<T, TList>(
    string resource,
    Func<CancellationToken, Task<TList>> list,
    Func<string, int, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
    TimeSpan watchTimeout) : IResourceSource<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
    where TList : IItems<T>, IMetadata<V1ListMeta>
{
    public string Resource => resource;

    public async Task<(IReadOnlyList<T> Items, string ResourceVersion)> ListAsync(CancellationToken cancellationToken)
    {
        TList body = await list(cancellationToken).ConfigureAwait(false);
        return ([.. body.Items ?? []], body.Metadata?.ResourceVersion ?? "");
    }

    public async IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(
        string resourceVersion, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach ((WatchEventType type, T item) in watch(resourceVersion, (int)watchTimeout.TotalSeconds, onError, cancellationToken).ConfigureAwait(false))
        {
            yield return (type, item);
        }
    }

    public (string Key, string ResourceVersion) Identify(T item) =>
        (item.Metadata?.NamespaceProperty is { Length: > 0 } ns ? ns + "/" + item.Metadata.Name : item.Metadata?.Name ?? "",
            item.Metadata?.ResourceVersion ?? "");
}
