using System.Globalization;
using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>
/// The objects, the one resourceVersion counter, the event history watches replay from, and the open watches. Every
/// write goes through here under one lock, so resourceVersions and watch events are totally ordered as etcd orders
/// them. Stored objects are never mutated: a write stores a new instance, so readers may hold references.
/// </summary>
internal sealed partial class ObjectStore(ResourceTable table, Func<JsonObject, JsonObject?, IReadOnlyList<string>>? validate)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, SortedDictionary<string, JsonObject>> _objects = new(StringComparer.Ordinal);
    private readonly List<StoredEvent> _history = [];
    private readonly List<Watch> _watches = [];
    private long _resourceVersion = 1;
    private long _compactedThrough;
    private int _serviceAddresses = 9;

    private sealed record StoredEvent(long ResourceVersion, string Storage, string Type, JsonObject Object, JsonObject? Old);

    public long ResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _resourceVersion;
            }
        }
    }

    private static string StorageOf(string group, string plural) =>
        EventConversion.Applies(group, plural) ? "/events" : $"{group}/{plural}";

    private static string StorageOf(ResourceType type) => StorageOf(type.Group, type.Plural);

    private static string KeyOf(string? ns, string name) => $"{ns}/{name}";

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private SortedDictionary<string, JsonObject> Bucket(string storage)
    {
        if (!_objects.TryGetValue(storage, out SortedDictionary<string, JsonObject>? bucket))
        {
            bucket = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
            _objects[storage] = bucket;
        }
        return bucket;
    }

    /// <summary>The stored objects of a resource (all namespaces when <paramref name="ns"/> is null), not to be mutated.</summary>
    public IReadOnlyList<JsonObject> Snapshot(string group, string plural, string? ns)
    {
        lock (_gate)
        {
            return [.. Bucket(StorageOf(group, plural)).Values.Where(o => ns is null || NamespaceOf(o) == ns)];
        }
    }

    public JsonObject? Peek(string group, string plural, string? ns, string name)
    {
        lock (_gate)
        {
            return Bucket(StorageOf(group, plural)).GetValueOrDefault(KeyOf(ns, name));
        }
    }

    public bool NamespaceExists(string ns) => Peek("", "namespaces", null, ns) is not null;

    private static string? NamespaceOf(JsonObject obj) => (string?)obj["metadata"]?["namespace"];

    private static string NameOf(JsonObject obj) => (string)obj["metadata"]!["name"]!;

    /// <summary>A copy of a stored object as <paramref name="type"/>'s version presents it.</summary>
    public static JsonObject Present(ResourceType type, JsonObject stored)
    {
        JsonObject copy = EventConversion.Applies(type) ? EventConversion.ToEvents(stored) : stored.DeepClone().AsObject();
        copy["apiVersion"] = type.ApiVersion;
        copy["kind"] = type.Kind;
        // Keep apiVersion and kind first, as the API server writes them.
        var ordered = new JsonObject { ["apiVersion"] = type.ApiVersion, ["kind"] = type.Kind };
        foreach ((string name, JsonNode? value) in copy.ToList())
        {
            if (name is not ("apiVersion" or "kind"))
            {
                copy.Remove(name);
                ordered[name] = value;
            }
        }
        return ordered;
    }

    public JsonObject Get(ResourceType type, string? ns, string name)
    {
        lock (_gate)
        {
            JsonObject stored = Bucket(StorageOf(type)).GetValueOrDefault(KeyOf(ns, name)) ?? throw ApiError.NotFound(type, name);
            return Present(type, stored);
        }
    }

    public (long ResourceVersion, List<JsonObject> Items) List(ResourceType type, string? ns, Func<JsonObject, bool> match)
    {
        lock (_gate)
        {
            var items = Bucket(StorageOf(type)).Values
                .Where(o => (ns is null || NamespaceOf(o) == ns) && match(o))
                .Select(o => Present(type, o))
                .ToList();
            return (_resourceVersion, items);
        }
    }

    private string Next() => (++_resourceVersion).ToString(CultureInfo.InvariantCulture);
}
