using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>
/// Field ownership as server-side apply keeps it in <c>metadata.managedFields</c>: one entry per manager, operation
/// (<c>Apply</c> or <c>Update</c>) and subresource. An apply owns exactly the fields it sent; a field another manager
/// owns with a different value is a conflict unless forced (forcing takes the field over); fields a manager stops
/// applying are removed unless another manager still owns them. Any other write (create, update, patch) makes its
/// manager the owner of what it changed and takes those fields from everyone else, without conflicts.
/// </summary>
internal static class ManagedFields
{
    private sealed class Entry
    {
        public required string Manager { get; init; }

        public required string Operation { get; init; }

        public string? Subresource { get; init; }

        public required string ApiVersion { get; set; }

        public required string Time { get; set; }

        public required HashSet<string> Fields { get; set; }
    }

    private static List<Entry> Read(JsonObject? obj)
    {
        var entries = new List<Entry>();
        foreach (JsonObject entry in (obj?["metadata"]?["managedFields"] as JsonArray ?? []).OfType<JsonObject>())
        {
            entries.Add(new Entry
            {
                Manager = (string?)entry["manager"] ?? "",
                Operation = (string?)entry["operation"] ?? "Update",
                Subresource = (string?)entry["subresource"],
                ApiVersion = (string?)entry["apiVersion"] ?? "",
                Time = (string?)entry["time"] ?? "",
                Fields = FieldSet.FromTree(entry["fieldsV1"] as JsonObject),
            });
        }
        return entries;
    }

    private static void Write(JsonObject obj, List<Entry> entries)
    {
        var array = new JsonArray();
        foreach (Entry entry in entries.Where(e => e.Fields.Count > 0))
        {
            var json = new JsonObject
            {
                ["manager"] = entry.Manager,
                ["operation"] = entry.Operation,
                ["apiVersion"] = entry.ApiVersion,
                ["time"] = entry.Time,
                ["fieldsType"] = "FieldsV1",
                ["fieldsV1"] = FieldSet.ToTree(entry.Fields),
            };
            if (entry.Subresource is not null)
            {
                json["subresource"] = entry.Subresource;
            }
            array.Add(json);
        }
        JsonObject metadata = (JsonObject)obj["metadata"]!;
        if (array.Count > 0)
        {
            metadata["managedFields"] = array;
        }
        else
        {
            metadata.Remove("managedFields");
        }
    }

    private static Func<string, bool> TopLevel(ResourceType type, string? subresource) =>
        subresource == "status" ? name => name == "status"
        : type.HasStatus ? name => name != "status"
        : _ => true;

    private static bool IsItem(string path) => FieldSet.Split(path)[^1].StartsWith("k:", StringComparison.Ordinal);

    /// <summary>Records a non-apply write: <paramref name="manager"/> owns what it changed from <paramref name="old"/>.</summary>
    public static void RecordUpdate(JsonObject? old, JsonObject updated, string manager, string? subresource, string apiVersion, string now)
    {
        List<Entry> entries = Read(old);
        HashSet<string> oldSet = old is null ? [] : FieldSet.Of(old);
        HashSet<string> newSet = FieldSet.Of(updated);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        foreach (string path in newSet)
        {
            if (!oldSet.Contains(path))
            {
                changed.Add(path);
            }
            else if (!IsItem(path) && !JsonNode.DeepEquals(FieldSet.ValueAt(old!, path, out _), FieldSet.ValueAt(updated, path, out _)))
            {
                changed.Add(path);
            }
        }
        var removed = oldSet.Where(p => !newSet.Contains(p)).ToList();
        bool Gone(string p) => removed.Contains(p) || removed.Exists(r => FieldSet.IsUnder(p, r));

        Entry? mine = entries.Find(e => e.Manager == manager && e.Operation == "Update" && e.Subresource == subresource);
        foreach (Entry other in entries.Where(e => e != mine))
        {
            other.Fields.ExceptWith(changed);
            other.Fields.RemoveWhere(Gone);
        }
        if (changed.Count > 0 || mine is not null)
        {
            if (mine is null)
            {
                mine = new Entry { Manager = manager, Operation = "Update", Subresource = subresource, ApiVersion = apiVersion, Time = now, Fields = [] };
                entries.Add(mine);
            }
            mine.Fields.UnionWith(changed);
            mine.Fields.RemoveWhere(Gone);
            if (changed.Count > 0)
            {
                mine.Time = now;
                mine.ApiVersion = apiVersion;
            }
        }
        Write(updated, entries);
    }

    /// <summary>
    /// Server-side apply of <paramref name="applied"/> onto <paramref name="live"/> (null: the object is created).
    /// Returns the new object with its managed fields, or throws a 409 Conflict listing the contested fields.
    /// </summary>
    public static JsonObject Apply(
        JsonObject? live, JsonObject applied, ResourceType type, string manager, bool force, string? subresource, string now)
    {
        Func<string, bool> topLevel = TopLevel(type, subresource);
        HashSet<string> appliedSet = FieldSet.Of(applied, topLevel);
        List<Entry> entries = Read(live);
        Entry? mine = entries.Find(e => e.Manager == manager && e.Operation == "Apply" && e.Subresource == subresource);
        HashSet<string> previouslyMine = mine?.Fields ?? [];

        var conflicts = new List<(Entry Owner, string Path)>();
        if (live is not null)
        {
            foreach (Entry other in entries.Where(e => e != mine))
            {
                foreach (string path in appliedSet.Where(other.Fields.Contains))
                {
                    if (IsItem(path))
                    {
                        continue;
                    }
                    JsonNode? liveValue = FieldSet.ValueAt(live, path, out bool exists);
                    if (exists && !JsonNode.DeepEquals(liveValue, FieldSet.ValueAt(applied, path, out _)))
                    {
                        conflicts.Add((other, path));
                    }
                }
            }
        }
        if (conflicts.Count > 0 && !force)
        {
            throw Conflict(type, (string)applied["metadata"]!["name"]!, conflicts);
        }
        foreach ((Entry owner, string path) in conflicts)
        {
            owner.Fields.Remove(path);
        }

        JsonObject result = live?.DeepClone().AsObject() ?? new JsonObject
        {
            ["apiVersion"] = applied["apiVersion"]?.DeepClone(),
            ["kind"] = applied["kind"]?.DeepClone(),
            ["metadata"] = new JsonObject(),
        };
        foreach ((string name, JsonNode? value) in applied)
        {
            if (name is "apiVersion" or "kind")
            {
                continue;
            }
            if (name == "metadata")
            {
                var metadata = (JsonObject)result["metadata"]!;
                foreach ((string field, JsonNode? fieldValue) in (JsonObject)value!)
                {
                    if (field is not ("resourceVersion" or "uid" or "creationTimestamp" or "generation" or "managedFields" or "deletionTimestamp" or "selfLink"))
                    {
                        metadata[field] = Merge(metadata[field], fieldValue, field);
                    }
                }
                continue;
            }
            if (topLevel(name))
            {
                result[name] = Merge(result[name], value, name);
            }
        }

        var others = entries.Where(e => e != mine).ToList();
        var removed = new List<string>();
        foreach (string path in previouslyMine.Where(p => !appliedSet.Contains(p)).OrderBy(p => p.Length))
        {
            bool keep = others.Exists(o => o.Fields.Contains(path) || o.Fields.Any(p => FieldSet.IsUnder(p, path)))
                        || appliedSet.Any(p => FieldSet.IsUnder(p, path));
            // A list item goes as a whole: its fields need no removal of their own.
            if (!keep && !removed.Exists(r => FieldSet.IsUnder(path, r)))
            {
                FieldSet.RemoveAt(result, path);
                removed.Add(path);
            }
        }

        if (mine is null)
        {
            mine = new Entry { Manager = manager, Operation = "Apply", Subresource = subresource, ApiVersion = (string)applied["apiVersion"]!, Time = now, Fields = appliedSet };
            entries.Add(mine);
        }
        else
        {
            mine.Fields = appliedSet;
            mine.Time = now;
            mine.ApiVersion = (string)applied["apiVersion"]!;
        }
        Write(result, entries);
        return result;
    }

    /// <summary>Apply's merge: objects field by field, keyed lists item by item, everything else replaced.</summary>
    private static JsonNode? Merge(JsonNode? live, JsonNode? applied, string fieldName)
    {
        switch (applied)
        {
            case JsonObject appliedObject when live is JsonObject liveObject:
            {
                JsonObject result = liveObject.DeepClone().AsObject();
                foreach ((string name, JsonNode? value) in appliedObject)
                {
                    result[name] = Merge(result[name], value, name);
                }
                return result;
            }
            case JsonArray appliedList when live is JsonArray liveList
                                            && Patches.KeyOf(fieldName, appliedList) is string[] key
                                            && Patches.KeyOf(fieldName, liveList) is not null:
            {
                var result = new JsonArray(liveList.Select(i => i?.DeepClone()).ToArray());
                foreach (JsonObject item in appliedList.OfType<JsonObject>())
                {
                    JsonObject? existing = result.OfType<JsonObject>().FirstOrDefault(r => Patches.SameKey(r, item, key));
                    if (existing is null)
                    {
                        result.Add(item.DeepClone());
                    }
                    else
                    {
                        result[result.IndexOf(existing)] = Merge(existing, item, fieldName);
                    }
                }
                return result;
            }
            default:
                return applied?.DeepClone();
        }
    }

    private static ApiError Conflict(ResourceType type, string name, List<(Entry Owner, string Path)> conflicts)
    {
        var causes = new JsonArray();
        var lines = new List<string>();
        foreach (var byOwner in conflicts.GroupBy(c => c.Owner))
        {
            string who = $"conflict with \"{byOwner.Key.Manager}\"" + $" using {byOwner.Key.ApiVersion}";
            foreach ((_, string path) in byOwner)
            {
                causes.Add(new JsonObject { ["reason"] = "FieldManagerConflict", ["message"] = who, ["field"] = FieldSet.Display(path) });
            }
            lines.Add(byOwner.Count() == 1
                ? $"{who}: {FieldSet.Display(byOwner.First().Path)}"
                : $"{who.Replace("conflict with", "conflicts with", StringComparison.Ordinal)}:\n" + string.Join('\n', byOwner.Select(c => "- " + FieldSet.Display(c.Path))));
        }
        string count = conflicts.Count == 1 ? "1 conflict" : $"{conflicts.Count} conflicts";
        JsonObject details = ApiError.DetailsOf(type, name);
        details["causes"] = causes;
        return new ApiError(409, "Conflict", $"Apply failed with {count}: {string.Join('\n', lines)}", details);
    }
}
