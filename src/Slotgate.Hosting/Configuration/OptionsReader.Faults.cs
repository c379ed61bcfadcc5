using Microsoft.Extensions.Configuration;

namespace Slotgate.Configuration;

/// <summary>The <c>faults</c> list, kept in index order because faults are tried in order.</summary>
internal sealed partial class OptionsReader
{
    private static readonly string[] FaultKeys = ["type", "percent", "delay", "commands"];

    private List<FaultOptions> ReadFaults(IConfigurationSection section, string path) =>
        [.. IndexedSections(section, path, "a list of faults").Select(item => ReadFault(item.Section, item.Path))];

    private FaultOptions ReadFault(IConfigurationSection section, string path) =>
        ReadSection(section, path, FaultKeys, new FaultOptions(), (fault, name, field, fieldPath) => name switch
        {
            "type" => fault with { Type = ReadScalar(field, fieldPath)?.ToLowerInvariant() ?? fault.Type },
            "percent" => fault with { Percent = ReadPercent(field, fieldPath, fault.Percent) },
            "delay" => fault with { Delay = ReadDuration(field, fieldPath, fault.Delay) },
            "commands" => fault with { Commands = ReadList(field, fieldPath) },
            _ => null,
        });
}
