using System.Globalization;

namespace Slotgate.Controller.Tests.Schemas.Cel;

/// <summary>Go's duration syntax as CEL's <c>duration()</c> takes it: <c>1h30m</c>, <c>1.5s</c>, <c>100ms</c>, <c>-2us</c>.</summary>
internal static class GoDuration
{
    private static readonly (string Unit, double Ticks)[] Units =
    [
        ("ns", 0.01), ("us", 10), ("µs", 10), ("μs", 10), ("ms", TimeSpan.TicksPerMillisecond), ("s", TimeSpan.TicksPerSecond),
        ("m", TimeSpan.TicksPerMinute), ("h", TimeSpan.TicksPerHour),
    ];

    public static TimeSpan? Parse(string text)
    {
        int i = 0;
        bool negative = false;
        if (i < text.Length && (text[i] == '-' || text[i] == '+'))
        {
            negative = text[i] == '-';
            i++;
        }
        if (text[i..] == "0")
        {
            return TimeSpan.Zero;
        }
        if (i >= text.Length)
        {
            return null;
        }
        double ticks = 0;
        while (i < text.Length)
        {
            int start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }
            if (start == i || !double.TryParse(text[start..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double amount))
            {
                return null;
            }
            (string Unit, double Ticks)? unit = Units
                .Where(u => string.CompareOrdinal(text, i, u.Unit, 0, u.Unit.Length) == 0)
                .OrderByDescending(u => u.Unit.Length)
                .Cast<(string, double)?>()
                .FirstOrDefault();
            if (unit is null)
            {
                return null;
            }
            i += unit.Value.Unit.Length;
            ticks += amount * unit.Value.Ticks;
        }
        return ticks > TimeSpan.MaxValue.Ticks ? null : TimeSpan.FromTicks((long)(negative ? -ticks : ticks));
    }
}
