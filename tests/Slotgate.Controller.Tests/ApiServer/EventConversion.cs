using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>
/// core/v1 and events.k8s.io/v1 Events are one resource stored once (in the core shape), as in the API server; this
/// renames the fields between the two shapes.
/// </summary>
internal static class EventConversion
{
    private static readonly (string Core, string Events)[] Renamed =
    [
        ("involvedObject", "regarding"),
        ("message", "note"),
        ("reportingComponent", "reportingController"),
        ("source", "deprecatedSource"),
        ("firstTimestamp", "deprecatedFirstTimestamp"),
        ("lastTimestamp", "deprecatedLastTimestamp"),
        ("count", "deprecatedCount"),
    ];

    public static bool Applies(ResourceType type) => type is { Group: "events.k8s.io", Plural: "events" };

    public static bool Applies(string group, string plural) => group == "events.k8s.io" && plural == "events";

    public static JsonObject ToCore(JsonObject events) => Rename(events, toCore: true);

    public static JsonObject ToEvents(JsonObject core) => Rename(core, toCore: false);

    private static JsonObject Rename(JsonObject source, bool toCore)
    {
        var result = new JsonObject();
        foreach ((string name, JsonNode? value) in source)
        {
            string renamed = name;
            foreach ((string core, string events) in Renamed)
            {
                if (toCore && name == events)
                {
                    renamed = core;
                }
                else if (!toCore && name == core)
                {
                    renamed = events;
                }
            }
            result[renamed] = value?.DeepClone();
        }
        return result;
    }
}
