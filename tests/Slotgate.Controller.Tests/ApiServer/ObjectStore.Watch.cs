using System.Globalization;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>Watches: the event history they replay from, the open streams, bookmarks, expiry and dropping.</summary>
internal sealed partial class ObjectStore
{
    /// <summary>An open watch: the events it should send, already shaped as watch lines' objects.</summary>
    internal sealed class Watch(ResourceType type, string? ns, Func<JsonObject, bool> match, bool bookmarks)
    {
        public bool Bookmarks => bookmarks;

        public Channel<JsonObject> Events { get; } = Channel.CreateUnbounded<JsonObject>(new UnboundedChannelOptions { SingleReader = true });

        public bool Aborted { get; set; }

        public ResourceType Type => type;

        public void Offer(string type2, JsonObject obj, JsonObject? old)
        {
            if (ns is not null && NamespaceOf(obj) != ns)
            {
                return;
            }
            bool now = match(obj);
            bool before = old is not null && match(old);
            string? eventType = type2 switch
            {
                "ADDED" => now ? "ADDED" : null,
                "DELETED" => before || now ? "DELETED" : null,
                _ => (before, now) switch
                {
                    (true, true) => "MODIFIED",
                    (false, true) => "ADDED",
                    (true, false) => "DELETED",
                    _ => null,
                },
            };
            if (eventType is not null)
            {
                Events.Writer.TryWrite(new JsonObject { ["type"] = eventType, ["object"] = Present(type, obj) });
            }
        }
    }

    /// <summary>Thrown by <see cref="OpenWatch"/> when the resourceVersion is older than the retained history.</summary>
    internal sealed class ExpiredException(string message) : Exception(message);

    public Watch OpenWatch(ResourceType type, string? ns, Func<JsonObject, bool> match, string? resourceVersion, bool bookmarks = false)
    {
        lock (_gate)
        {
            var watch = new Watch(type, ns, match, bookmarks);
            string storage = StorageOf(type);
            if (string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0")
            {
                foreach (JsonObject obj in Bucket(storage).Values)
                {
                    watch.Offer("ADDED", obj, null);
                }
            }
            else
            {
                if (!long.TryParse(resourceVersion, NumberStyles.Integer, CultureInfo.InvariantCulture, out long from))
                {
                    throw ApiError.BadRequest($"invalid resource version: {resourceVersion}");
                }
                if (from < _compactedThrough)
                {
                    throw new ExpiredException($"too old resource version: {from} ({_compactedThrough})");
                }
                foreach (StoredEvent stored in _history.Where(e => e.ResourceVersion > from && e.Storage == storage))
                {
                    watch.Offer(stored.Type, stored.Object, stored.Old);
                }
            }
            _watches.Add(watch);
            return watch;
        }
    }

    public void CloseWatch(Watch watch)
    {
        lock (_gate)
        {
            _watches.Remove(watch);
        }
        watch.Events.Writer.TryComplete();
    }

    private void Publish(string storage, string type, JsonObject obj, JsonObject? old)
    {
        long rv = long.Parse((string)obj["metadata"]!["resourceVersion"]!, CultureInfo.InvariantCulture);
        _history.Add(new StoredEvent(rv, storage, type, obj, old));
        foreach (Watch watch in _watches.Where(w => StorageOf(w.Type) == storage))
        {
            watch.Offer(type, obj, old);
        }
    }

    /// <summary>Forgets the event history up to now: a watch from any earlier resourceVersion gets 410 Expired.</summary>
    public void Compact()
    {
        lock (_gate)
        {
            _compactedThrough = _resourceVersion;
            _history.Clear();
        }
    }

    /// <summary>
    /// Forgets the history (as <see cref="Compact"/>) and ends every open watch with an ERROR event (410 Expired), as
    /// the API server does when a watcher falls too far behind: the client has to list again.
    /// </summary>
    public int ExpireWatches()
    {
        List<Watch> watches;
        lock (_gate)
        {
            _compactedThrough = _resourceVersion;
            _history.Clear();
            watches = [.. _watches];
            _watches.Clear();
        }
        foreach (Watch watch in watches)
        {
            watch.Events.Writer.TryWrite(new JsonObject
            {
                ["type"] = "ERROR",
                ["object"] = ApiError.Status(410, "Expired", "The resourceVersion for the provided watch is too old.", null),
            });
            watch.Events.Writer.TryComplete();
        }
        return watches.Count;
    }

    /// <summary>Sends a BOOKMARK event with the current resourceVersion to every watch that allows bookmarks.</summary>
    public int SendBookmarks()
    {
        lock (_gate)
        {
            string rv = _resourceVersion.ToString(CultureInfo.InvariantCulture);
            int sent = 0;
            foreach (Watch watch in _watches.Where(w => w.Bookmarks))
            {
                var bookmark = new JsonObject
                {
                    ["type"] = "BOOKMARK",
                    ["object"] = new JsonObject
                    {
                        ["kind"] = watch.Type.Kind,
                        ["apiVersion"] = watch.Type.ApiVersion,
                        ["metadata"] = new JsonObject { ["resourceVersion"] = rv },
                    },
                };
                if (watch.Events.Writer.TryWrite(bookmark))
                {
                    sent++;
                }
            }
            return sent;
        }
    }

    /// <summary>Ends every open watch stream (cleanly, or by aborting the connection).</summary>
    public int DropWatches(bool abort)
    {
        List<Watch> watches;
        lock (_gate)
        {
            watches = [.. _watches];
            _watches.Clear();
        }
        foreach (Watch watch in watches)
        {
            watch.Aborted = abort;
            watch.Events.Writer.TryComplete();
        }
        return watches.Count;
    }

    public int OpenWatchCount
    {
        get
        {
            lock (_gate)
            {
                return _watches.Count;
            }
        }
    }
}
