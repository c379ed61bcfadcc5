using System.Globalization;

namespace Slotgate.Controller.Reconcile;

/// <summary>Durations as Slotgate's settings and Kubernetes write them: <c>500ms</c>, <c>5s</c>, <c>1m30s</c>, <c>1h</c>.</summary>
internal static class Durations
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (text.Length == 0)
        {
            return false;
        }
        int i = 0;
        while (i < text.Length)
        {
            int start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }
            if (i == start || !double.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
            {
                return false;
            }
            int unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }
            double seconds = text[unitStart..i] switch
            {
                "ms" => number / 1000,
                "s" => number,
                "m" => number * 60,
                "h" => number * 3600,
                _ => double.NaN,
            };
            if (double.IsNaN(seconds))
            {
                return false;
            }
            value += TimeSpan.FromSeconds(seconds);
        }
        return true;
    }
}
