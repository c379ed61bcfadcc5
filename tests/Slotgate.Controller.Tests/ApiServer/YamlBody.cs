using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>Reads request bodies and manifests: JSON, or YAML (one or more documents) with YAML 1.2 core scalar types.</summary>
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

    public static IReadOnlyList<JsonObject> Documents(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => ToJson(d.RootNode)).OfType<JsonObject>().ToList();
    }

    /// <summary>A parsed YAML mapping (e.g. one rendered manifest) as a JSON object.</summary>
    public static JsonObject ToJsonObject(YamlNode node) => ToJson(node) as JsonObject ?? throw new ArgumentException("not a YAML mapping");

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(c =>
            new KeyValuePair<string, JsonNode?>(((YamlScalarNode)c.Key).Value!, ToJson(c.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        string value = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }
        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n) => JsonValue.Create(n),
            _ when value.Any(char.IsDigit) && !value.Contains(':', StringComparison.Ordinal)
                   && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => JsonValue.Create(d),
            _ => JsonValue.Create(value),
        };
    }
}
