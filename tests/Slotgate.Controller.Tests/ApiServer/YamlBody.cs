using System.Text.Json;
using System.Text.Json.Nodes;
using Slotgate.Controller.Tests.Schemas;
using YamlDotNet.RepresentationModel;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>Reads request bodies and manifests: JSON, or YAML (one or more documents) read as <see cref="YamlJson"/> reads it.</summary>
public static class YamlBody
{
    public static JsonNode? Parse(string text)
    {
        string trimmed = text.TrimStart();
        if (trimmed.StartsWith('{') || trimmed.StartsWith('['))
        {
            try
            {
                return JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // Flow-style YAML that is not JSON: read it as YAML below.
            }
        }
        return Documents(text).FirstOrDefault();
    }

    public static IReadOnlyList<JsonObject> Documents(string text) => YamlJson.LoadDocuments(text);

    /// <summary>A parsed YAML mapping (e.g. one rendered manifest) as a JSON object.</summary>
    public static JsonObject ToJsonObject(YamlNode node) => YamlJson.ToJson(node) as JsonObject ?? throw new ArgumentException("not a YAML mapping");
}
