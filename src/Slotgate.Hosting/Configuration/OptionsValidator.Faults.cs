using System.Globalization;
using Slotgate.Commands;

namespace Slotgate.Configuration;

/// <summary>Checks of <c>faults</c> and <c>routing.customCommands</c>.</summary>
internal static partial class OptionsValidator
{
    private static void ValidateCustomCommands(IReadOnlyList<string> customCommands, List<string> errors)
    {
        var seenCustom = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < customCommands.Count; i++)
        {
            string name = customCommands[i].Trim();
            if (name.Length == 0 || name.Length > 64 || name.Any(c => c is <= ' ' or > '~' or '|'))
            {
                errors.Add($"routing.customCommands[{i}]: '{customCommands[i]}' is not a command name");
            }
            else if (CommandTable.BuiltIn.Find(name) is not null)
            {
                // Overriding a known command's key positions would misroute it (and break its arity checks).
                errors.Add($"routing.customCommands[{i}]: '{name}' is a Redis command Slotgate already routes");
            }
            else if (!seenCustom.Add(name))
            {
                errors.Add($"routing.customCommands[{i}]: '{name}' is listed twice");
            }
        }
    }

    private static void ValidateFaults(IReadOnlyList<FaultOptions> faults, List<string> errors)
    {
        for (int i = 0; i < faults.Count; i++)
        {
            FaultOptions fault = faults[i];
            string path = $"faults[{i}]";
            if (!FaultOptions.Types.Contains(fault.Type))
            {
                errors.Add($"{path}.type: must be one of {string.Join(", ", FaultOptions.Types)}, got '{fault.Type}'");
            }
            if (double.IsNaN(fault.Percent) || fault.Percent is < 0 or > 100)
            {
                errors.Add($"{path}.percent: must be between 0 and 100, got {fault.Percent.ToString(CultureInfo.InvariantCulture)}");
            }
            NotNegative(fault.Delay, path + ".delay", errors);
            if (fault.Type == "delay" && fault.Delay <= TimeSpan.Zero)
            {
                errors.Add($"{path}.delay: a delay fault needs a delay greater than 0");
            }
            for (int j = 0; j < fault.Commands.Count; j++)
            {
                string name = fault.Commands[j].Trim();
                if (name.Equals("auth", StringComparison.OrdinalIgnoreCase) || name.Equals("ping", StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add($"{path}.commands[{j}]: faults are never applied to {name.ToUpperInvariant()}");
                }
            }
        }
    }
}
