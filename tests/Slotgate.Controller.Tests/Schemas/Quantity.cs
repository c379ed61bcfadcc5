using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.Schemas;

/// <summary>Kubernetes resource quantities (<c>250m</c>, <c>1.5Gi</c>, <c>2e3</c>, or a JSON number) as decimals.</summary>
internal static class Quantity
{
    private static readonly (string Suffix, decimal Factor)[] Suffixes =
    [
        ("Ki", 1L << 10), ("Mi", 1L << 20), ("Gi", 1L << 30), ("Ti", 1L << 40), ("Pi", 1L << 50), ("Ei", 1L << 60),
        ("n", 0.000000001m), ("u", 0.000001m), ("m", 0.001m), ("k", 1_000m), ("M", 1_000_000m), ("G", 1_000_000_000m),
        ("T", 1_000_000_000_000m), ("P", 1_000_000_000_000_000m), ("E", 1_000_000_000_000_000_000m),
    ];

    public static decimal? Parse(JsonNode? node)
    {
        if (node is not JsonValue value)
        {
            return null;
        }
        if (value.GetValueKind() == JsonValueKind.Number)
        {
            return decimal.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out decimal n) ? n : null;
        }
        return value.GetValueKind() == JsonValueKind.String ? Parse((string)value!) : null;
    }

    public static decimal? Parse(string text)
    {
        if (!ValueFormats.IsValid("quantity", text))
        {
            return null;
        }
        foreach ((string suffix, decimal factor) in Suffixes.OrderByDescending(s => s.Suffix.Length))
        {
            if (text.EndsWith(suffix, StringComparison.Ordinal)
                && decimal.TryParse(text[..^suffix.Length], NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out decimal n))
            {
                return n * factor;
            }
        }
        return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal plain) ? plain : null;
    }
}
