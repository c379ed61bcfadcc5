using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Slotgate.Configuration;

/// <summary>
/// Parses and formats the scalar value forms used in Slotgate's configuration: durations, byte sizes, integers, booleans.
/// Hand-written rather than <c>TimeSpan.Parse</c>/<c>Convert</c> so that a bare "5" is not silently five days and errors
/// can say which forms are accepted.
/// </summary>
internal static class ConfigValueParser
{
    public const string DurationForms = "like 250ms, 5s, 2m, 1h, 1m30s or 00:00:05";
    public const string SizeForms = "like 65536, 64kb, 512mb or 1gb";

    /// <summary>
    /// Accepts one or more number+unit pairs (<c>250ms</c>, <c>1.5s</c>, <c>1m30s</c>; units us, ms, s, m, h, d) or a
    /// <c>[d.]hh:mm:ss[.fff]</c> time span. A bare number is rejected: its unit would be a guess.
    /// </summary>
    public static bool TryParseDuration(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero;
        }

        decimal ticks = 0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            if (i == start || !decimal.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }

            var ticksPerUnit = text.AsSpan(unitStart, i - unitStart).ToString().ToLowerInvariant() switch
            {
                "us" => TimeSpan.TicksPerMicrosecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                "d" => TimeSpan.TicksPerDay,
                _ => 0L,
            };
            if (ticksPerUnit == 0)
            {
                return false;
            }

            ticks += number * ticksPerUnit;
            if (ticks > TimeSpan.MaxValue.Ticks)
            {
                return false;
            }
        }

        value = TimeSpan.FromTicks((long)decimal.Round(ticks));
        return true;
    }

    /// <summary>
    /// Byte sizes with Redis's own suffix convention (redis.conf: "1k => 1000 bytes, 1kb => 1024 bytes", likewise m/mb and
    /// g/gb), plus kib/mib/gib as 1024-based aliases. Case-insensitive; a bare number is bytes.
    /// </summary>
    public static bool TryParseSize(string? text, out long value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var span = text.AsSpan().Trim();
        var digits = 0;
        while (digits < span.Length && char.IsAsciiDigit(span[digits]))
        {
            digits++;
        }

        if (digits == 0 || !long.TryParse(span[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        long multiplier = span[digits..].Trim().ToString().ToLowerInvariant() switch
        {
            "" or "b" => 1,
            "k" => 1000,
            "kb" or "kib" => 1024,
            "m" => 1000 * 1000,
            "mb" or "mib" => 1024 * 1024,
            "g" => 1000L * 1000 * 1000,
            "gb" or "gib" => 1024L * 1024 * 1024,
            _ => 0,
        };
        if (multiplier == 0 || number > long.MaxValue / multiplier)
        {
            return false;
        }

        value = number * multiplier;
        return true;
    }

    public static bool TryParseInt(string? text, out int value) =>
        int.TryParse(text?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>true/false, plus yes/no, on/off and 1/0, because YAML 1.1 users and shell users write all of them.</summary>
    public static bool TryParseBool(string? text, out bool value)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "true" or "yes" or "on" or "1":
                value = true;
                return true;
            case "false" or "no" or "off" or "0":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    /// <summary>The shortest unit form that round-trips through <see cref="TryParseDuration"/>, e.g. 10s, 250ms, 1m30s.</summary>
    public static string FormatDuration(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        if (value < TimeSpan.Zero)
        {
            // Only reachable for options built in code; keep it readable rather than round-trippable.
            return value.ToString("c", CultureInfo.InvariantCulture);
        }

        var builder = new StringBuilder();
        var ticks = value.Ticks;
        Append(ref ticks, TimeSpan.TicksPerDay, "d");
        Append(ref ticks, TimeSpan.TicksPerHour, "h");
        Append(ref ticks, TimeSpan.TicksPerMinute, "m");
        Append(ref ticks, TimeSpan.TicksPerSecond, "s");
        Append(ref ticks, TimeSpan.TicksPerMillisecond, "ms");
        if (ticks > 0)
        {
            // Sub-microsecond remainders print as fractional microseconds so nothing is lost.
            builder.Append((ticks / (decimal)TimeSpan.TicksPerMicrosecond).ToString(CultureInfo.InvariantCulture)).Append("us");
        }

        return builder.ToString();

        void Append(ref long remaining, long unit, string suffix)
        {
            if (remaining >= unit)
            {
                builder.Append((remaining / unit).ToString(CultureInfo.InvariantCulture)).Append(suffix);
                remaining %= unit;
            }
        }
    }

    /// <summary>Largest exact suffix form for a byte count (1024-based), e.g. 536870912 → 512mb.</summary>
    public static string FormatSize(long value)
    {
        if (value > 0 && value % (1024L * 1024 * 1024) == 0)
        {
            return (value / (1024L * 1024 * 1024)).ToString(CultureInfo.InvariantCulture) + "gb";
        }

        if (value > 0 && value % (1024 * 1024) == 0)
        {
            return (value / (1024 * 1024)).ToString(CultureInfo.InvariantCulture) + "mb";
        }

        if (value > 0 && value % 1024 == 0)
        {
            return (value / 1024).ToString(CultureInfo.InvariantCulture) + "kb";
        }

        return value.ToString(CultureInfo.InvariantCulture);
    }
}
