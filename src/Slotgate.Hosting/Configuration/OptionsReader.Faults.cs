using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Slotgate.Configuration;

/// <summary>The <c>faults</c> list: the reader's only list of sections, so it lives beside the scalar readers.</summary>
internal sealed partial class OptionsReader
{
    private static readonly string[] FaultKeys = ["type", "percent", "delay", "commands"];

    private List<FaultOptions> ReadFaults(IConfigurationSection section, string path)
    {
        var faults = new List<FaultOptions>();
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            _errors.Add($"{path}: expected a list of faults, got the value '{section.Value}'{From(section)}");
        }

        // Indexed children sort as strings ("10" before "2"); order matters (faults are tried in order), so sort numerically.
        var items = section.GetChildren()
            .Select(child => (Child: child, Index: int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out int i) ? i : -1))
            .OrderBy(item => item.Index);
        foreach (var (child, index) in items)
        {
            if (index < 0)
            {
                _errors.Add($"{path}: expected a list, found the key '{child.Key}'{From(child)}");
                continue;
            }
            string itemPath = $"{path}[{index}]";
            var fault = new FaultOptions();
            foreach (var field in Children(child, itemPath))
            {
                var name = Canonical(field.Key, FaultKeys);
                var fieldPath = itemPath + "." + name;
                fault = name switch
                {
                    "type" => fault with { Type = ReadScalar(field, fieldPath)?.ToLowerInvariant() ?? fault.Type },
                    "percent" => fault with { Percent = ReadPercent(field, fieldPath, fault.Percent) },
                    "delay" => fault with { Delay = ReadDuration(field, fieldPath, fault.Delay) },
                    "commands" => fault with { Commands = ReadList(field, fieldPath) },
                    _ => Unknown(fault, field, itemPath, FaultKeys),
                };
            }
            faults.Add(fault);
        }

        return faults;
    }

    private double ReadPercent(IConfigurationSection section, string path, double fallback)
    {
        var text = ReadScalar(section, path)?.TrimEnd('%');
        if (text is null)
        {
            return fallback;
        }

        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        _errors.Add($"{path}: '{text}' is not a number from 0 to 100{From(section)}");
        return fallback;
    }
}
