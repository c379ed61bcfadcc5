using System.Globalization;
using Slotgate.Protocol;

namespace Slotgate.Demo;

/// <summary>
/// Renders a reply the way <c>redis-cli</c> does when its output is not a terminal: scalars as their value, aggregates
/// flattened one element per line, nil as an empty string. Scripts and tests written against redis-cli output therefore
/// read the same text from the launcher.
/// </summary>
internal static class RedisCliText
{
    public static string Format(RespValue reply)
    {
        if (reply.Items is null)
        {
            return ScalarText(reply);
        }
        var lines = new List<string>();
        Flatten(reply.Items, lines);
        return string.Join('\n', lines);
    }

    private static void Flatten(IReadOnlyList<RespValue> items, List<string> lines)
    {
        foreach (RespValue item in items)
        {
            if (item.Items is null)
            {
                lines.Add(ScalarText(item));
            }
            else
            {
                Flatten(item.Items, lines);
            }
        }
    }

    private static string ScalarText(RespValue value) =>
        value.Type == ':' ? value.Integer.ToString(CultureInfo.InvariantCulture) : value.Text ?? string.Empty;
}
