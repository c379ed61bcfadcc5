using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;
using k8s.Autorest;

namespace Slotgate.Controller.Runtime;

/// <summary>A cluster-wide list and watch of a custom resource (all namespaces for a namespaced one).</summary>
internal sealed class CustomObjectSource(IKubernetes client, string group, string version, string plural, TimeSpan watchTimeout)
    : IResourceSource<ApiObject>
{
    public string Resource => plural + "." + group;

    public async Task<(IReadOnlyList<ApiObject> Items, string ResourceVersion)> ListAsync(CancellationToken cancellationToken)
    {
        using HttpOperationResponse<object> response = await client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync(
            group, version, plural, cancellationToken: cancellationToken).ConfigureAwait(false);
        JsonElement list = response.Body is JsonElement element ? element : JsonSerializer.SerializeToElement(response.Body);
        var items = list.TryGetProperty("items", out JsonElement array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray().Select(i => new ApiObject(i.Clone())).ToList()
            : [];
        string listVersion = list.TryGetProperty("metadata", out JsonElement metadata) && metadata.TryGetProperty("resourceVersion", out JsonElement rv)
            ? rv.GetString() ?? ""
            : "";
        return (items, listVersion);
    }

    public async IAsyncEnumerable<(WatchEventType Type, ApiObject Object)> WatchAsync(
        string resourceVersion, Action<Exception> onError, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = client.CustomObjects.WatchListClusterCustomObjectAsync(
            group, version, plural, allowWatchBookmarks: true, resourceVersion: resourceVersion,
            timeoutSeconds: (int)watchTimeout.TotalSeconds, onError: onError, cancellationToken: cancellationToken);
        await foreach ((WatchEventType type, object item) in events.ConfigureAwait(false))
        {
            yield return (type, new ApiObject(item is JsonElement element ? element : JsonSerializer.SerializeToElement(item)));
        }
    }

    public (string Key, string ResourceVersion) Identify(ApiObject item) => (item.Key, item.ResourceVersion);
}
