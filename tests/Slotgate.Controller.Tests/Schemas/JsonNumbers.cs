using System.Globalization;
using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.Schemas;

/// <summary>Reads a JSON number whatever .NET type the <see cref="JsonValue"/> was built from.</summary>
internal static class JsonNumbers
{
    /// <summary>The number as an int64 when it is integral and in range (1.0 counts as integral, as in Go's JSON).</summary>
    public static bool TryGetInteger(JsonValue value, out long result)
    {
        if (value.TryGetValue(out long l))
        {
            result = l;
            return true;
        }
        if (value.TryGetValue(out int i))
        {
            result = i;
            return true;
        }
        string text = value.ToJsonString();
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result))
        {
            return true;
        }
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal d) && d == decimal.Truncate(d)
            && d >= long.MinValue && d <= long.MaxValue)
        {
            result = (long)d;
            return true;
        }
        result = 0;
        return false;
    }

    public static double GetDouble(JsonValue value) =>
        double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
}
