using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Slotgate.Import;

/// <summary>Small readers over YamlDotNet's representation model for Envoy's protobuf-as-YAML shapes.</summary>
internal static class EnvoyYaml
{
    public static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? value) ? value : null;

    public static YamlMappingNode? Map(YamlNode? node, string key) => Child(node, key) as YamlMappingNode;

    public static YamlSequenceNode? Seq(YamlNode? node, string key) => Child(node, key) as YamlSequenceNode;

    public static string? Text(YamlNode? node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

    /// <summary>The mapping's keys in document order, as text.</summary>
    public static IEnumerable<(string Key, YamlNode Value)> Entries(YamlMappingNode map)
    {
        foreach (var (key, value) in map.Children)
        {
            if (key is YamlScalarNode { Value: { } name })
            {
                yield return (name, value);
            }
        }
    }

    public static bool IsTrue(YamlNode? node) =>
        node is YamlScalarNode { Value: { } text } && text.Equals("true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A protobuf Duration as Envoy's YAML writes it: <c>"5s"</c>, <c>"0.25s"</c> (seconds with a decimal fraction, the
    /// canonical JSON form) or <c>{seconds: 5, nanos: 0}</c>.
    /// </summary>
    public static bool TryDuration(YamlNode? node, out TimeSpan value)
    {
        value = default;
        if (node is YamlScalarNode { Value: { } text })
        {
            text = text.Trim();
            if (text.EndsWith('s') && decimal.TryParse(text[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal seconds))
            {
                value = TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond));
                return true;
            }
            return false;
        }
        if (node is YamlMappingNode map)
        {
            long whole = 0;
            long nanos = 0;
            if ((Text(map, "seconds") is { } s && !long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out whole))
                || (Text(map, "nanos") is { } n && !long.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out nanos)))
            {
                return false;
            }
            value = TimeSpan.FromSeconds(whole) + TimeSpan.FromTicks(nanos / 100);
            return true;
        }
        return false;
    }

    /// <summary>A socket_address as host:port, IPv6 literals in brackets; null when it lacks a port.</summary>
    public static string? SocketAddress(YamlNode? socketAddress)
    {
        string? host = Text(socketAddress, "address");
        string? port = Text(socketAddress, "port_value");
        if (host is null || port is null)
        {
            return null;
        }
        return host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
    }
}
