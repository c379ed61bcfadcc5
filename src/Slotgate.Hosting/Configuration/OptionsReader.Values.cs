using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Slotgate.Configuration;

/// <summary>
/// The value readers: lists, scalars and strings, and the typed values (durations, sizes, numbers, booleans), each
/// reporting a value that does not parse with its path and falling back to the default.
/// </summary>
internal sealed partial class OptionsReader
{
    /// <summary>
    /// A list from indexed children (YAML sequences, <c>__0</c> variables) and/or a comma-separated value
    /// (<c>SLOTGATE_SEEDS=a:1,b:2</c>, <c>seeds: "a:1,b:2"</c>).
    /// </summary>
    /// <param name="split">False for passwords: a comma may be part of one, so a plain value is a single item, untrimmed.</param>
    private IReadOnlyList<string> ReadList(IConfigurationSection section, string path, bool split = true)
    {
        var items = new List<string>();
        if (!split && !string.IsNullOrEmpty(section.Value))
        {
            items.Add(section.Value);
        }
        else if (!string.IsNullOrWhiteSpace(section.Value))
        {
            items.AddRange(section.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        }

        foreach (var child in section.GetChildren())
        {
            if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                _errors.Add($"{path}: expected a list, found the key '{child.Key}'{From(child)}");
            }
            else if (child.GetChildren().Any())
            {
                _errors.Add($"{path}[{child.Key}]: expected a value, got a section{From(child)}");
            }
            else if (!split && !string.IsNullOrEmpty(child.Value))
            {
                items.Add(child.Value);
            }
            else if (!string.IsNullOrWhiteSpace(child.Value))
            {
                items.Add(child.Value.Trim());
            }
        }

        return items;
    }

    /// <summary>A scalar's text, or null when it is unset or empty (an empty value means "use the default").</summary>
    private string? ReadScalar(IConfigurationSection section, string path)
    {
        if (section.GetChildren().Any())
        {
            _errors.Add($"{path}: expected a value, got a section{From(section)}");
            return null;
        }

        return string.IsNullOrWhiteSpace(section.Value) ? null : section.Value.Trim();
    }

    private string? ReadString(IConfigurationSection section, string path)
    {
        if (section.GetChildren().Any())
        {
            _errors.Add($"{path}: expected a value, got a section{From(section)}");
            return null;
        }

        // Not trimmed: leading or trailing spaces could be part of a password.
        return string.IsNullOrEmpty(section.Value) ? null : section.Value;
    }

    private delegate bool ValueParser<T>(string text, out T value);

    /// <summary>
    /// A scalar parsed by <paramref name="parse"/>; <paramref name="fallback"/> when it is unset, or when it does not
    /// parse (reported as "'text' is not <paramref name="expected"/>").
    /// </summary>
    private T ReadParsed<T>(IConfigurationSection section, string path, string? text, T fallback, ValueParser<T> parse, string expected)
    {
        if (text is null)
        {
            return fallback;
        }

        if (parse(text, out var value))
        {
            return value;
        }

        _errors.Add($"{path}: '{text}' is not {expected}{From(section)}");
        return fallback;
    }

    private TimeSpan ReadDuration(IConfigurationSection section, string path, TimeSpan fallback) =>
        ReadParsed(section, path, ReadScalar(section, path), fallback, ConfigValueParser.TryParseDuration,
            "a duration (" + ConfigValueParser.DurationForms + ")");

    private int ReadInt(IConfigurationSection section, string path, int fallback) =>
        ReadParsed(section, path, ReadScalar(section, path), fallback, ConfigValueParser.TryParseInt, "a whole number");

    private long ReadSize(IConfigurationSection section, string path, long fallback) =>
        ReadParsed(section, path, ReadScalar(section, path), fallback, ConfigValueParser.TryParseSize,
            "a size in bytes (" + ConfigValueParser.SizeForms + ")");

    private bool ReadBool(IConfigurationSection section, string path, bool fallback) =>
        ReadParsed(section, path, ReadScalar(section, path), fallback, ConfigValueParser.TryParseBool, "true or false");

    private double ReadFraction(IConfigurationSection section, string path, double fallback) =>
        ReadParsed(section, path, ReadScalar(section, path), fallback,
            static (string text, out double value) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value),
            "a number");

    /// <summary>A percentage, with or without the % sign.</summary>
    private double ReadPercent(IConfigurationSection section, string path, double fallback) =>
        ReadParsed(section, path, ReadScalar(section, path)?.TrimEnd('%'), fallback,
            static (string text, out double value) => double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value),
            "a number from 0 to 100");

    private int ReadIntSize(IConfigurationSection section, string path, int fallback)
    {
        var before = _errors.Count;
        var value = ReadSize(section, path, fallback);
        if (value <= int.MaxValue || _errors.Count != before)
        {
            return (int)Math.Min(value, int.MaxValue);
        }

        _errors.Add($"{path}: must be at most {int.MaxValue} bytes (2gb - 1), got {value}{From(section)}");
        return fallback;
    }

    /// <summary>Normalises the casing of a known level; an unknown one is kept as typed for the validator to report.</summary>
    private string ReadLogLevel(IConfigurationSection section, string path, string fallback)
    {
        var text = ReadScalar(section, path);
        if (text is null)
        {
            return fallback;
        }

        return LoggingOptions.Levels.FirstOrDefault(l => l.Equals(text, StringComparison.OrdinalIgnoreCase)) ?? text;
    }
}
