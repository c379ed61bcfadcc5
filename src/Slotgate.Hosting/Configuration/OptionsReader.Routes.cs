using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Slotgate.Configuration;

/// <summary>The <c>upstreams</c> list and the <c>routes</c> section (prefix routes with their mirrors).</summary>
internal sealed partial class OptionsReader
{
    private static readonly string[] UpstreamKeys = ["name", "type", "servers", "username", "password"];
    private static readonly string[] RoutesKeys = ["caseInsensitive", "prefixes", "catchAll"];
    private static readonly string[] RouteKeys = ["prefix", "upstream", "removePrefix", "keyFormatter", "readUpstream", "mirrors"];
    private static readonly string[] MirrorKeys = ["upstream", "percent", "excludeReads"];

    private List<UpstreamOptions> ReadUpstreams(IConfigurationSection section, string path)
    {
        var upstreams = new List<UpstreamOptions>();
        foreach (var (child, itemPath) in IndexedSections(section, path))
        {
            upstreams.Add(ReadSection(child, itemPath, UpstreamKeys, new UpstreamOptions(), (o, name, field, fieldPath) => name switch
            {
                "name" => o with { Name = ReadScalar(field, fieldPath) ?? o.Name },
                "type" => o with { Type = ReadScalar(field, fieldPath)?.ToLowerInvariant() ?? o.Type },
                // Not split on commas: twemproxy's "host:port:weight name" entries are one item each.
                "servers" => o with { Servers = ReadList(field, fieldPath) },
                "username" => o with { Username = ReadString(field, fieldPath) },
                "password" => o with { Password = ReadString(field, fieldPath) },
                _ => null,
            }));
        }

        return upstreams;
    }

    private RoutesOptions ReadRoutes(IConfigurationSection section, string path) =>
        ReadSection(section, path, RoutesKeys, new RoutesOptions(), (o, name, child, childPath) => name switch
        {
            "caseInsensitive" => o with { CaseInsensitive = ReadBool(child, childPath, o.CaseInsensitive) },
            "catchAll" => o with { CatchAll = ReadRoute(child, childPath) },
            "prefixes" => o with { Prefixes = [.. IndexedSections(child, childPath).Select(item => ReadRoute(item.Section, item.Path))] },
            _ => null,
        });

    private PrefixRouteOptions ReadRoute(IConfigurationSection section, string path) =>
        ReadSection(section, path, RouteKeys, new PrefixRouteOptions(), (o, name, field, fieldPath) => name switch
        {
            // Not trimmed: a prefix may end in a space.
            "prefix" => o with { Prefix = ReadString(field, fieldPath) ?? o.Prefix },
            "upstream" => o with { Upstream = ReadScalar(field, fieldPath) ?? o.Upstream },
            "removePrefix" => o with { RemovePrefix = ReadBool(field, fieldPath, o.RemovePrefix) },
            "keyFormatter" => o with { KeyFormatter = ReadString(field, fieldPath) },
            "readUpstream" => o with { ReadUpstream = ReadScalar(field, fieldPath) },
            "mirrors" => o with { Mirrors = [.. IndexedSections(field, fieldPath).Select(item => ReadMirror(item.Section, item.Path))] },
            _ => null,
        });

    private MirrorOptions ReadMirror(IConfigurationSection section, string path) =>
        ReadSection(section, path, MirrorKeys, new MirrorOptions(), (o, name, field, fieldPath) => name switch
        {
            "upstream" => o with { Upstream = ReadScalar(field, fieldPath) ?? o.Upstream },
            "percent" => o with { Percent = ReadPercent(field, fieldPath, o.Percent) },
            "excludeReads" => o with { ExcludeReads = ReadBool(field, fieldPath, o.ExcludeReads) },
            _ => null,
        });

    /// <summary>
    /// The items of a list of sections in numeric order ("10" sorts after "2"), each with its path.
    /// <paramref name="expected"/> names the list in the error for a plain value found where it should be.
    /// </summary>
    private List<(IConfigurationSection Section, string Path)> IndexedSections(IConfigurationSection section, string path, string expected = "a list")
    {
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            _errors.Add($"{path}: expected {expected}, got the value '{section.Value}'{From(section)}");
        }

        var items = new List<(IConfigurationSection, string, int)>();
        foreach (var child in section.GetChildren())
        {
            if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
            {
                _errors.Add($"{path}: expected a list, found the key '{child.Key}'{From(child)}");
                continue;
            }
            items.Add((child, $"{path}[{index}]", index));
        }

        return [.. items.OrderBy(item => item.Item3).Select(item => (item.Item1, item.Item2))];
    }
}
