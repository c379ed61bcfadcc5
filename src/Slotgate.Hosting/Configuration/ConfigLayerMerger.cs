namespace Slotgate.Configuration;

/// <summary>
/// Merges configuration layers, later winning. Unlike stacking <c>IConfiguration</c> providers, a list set in a later
/// layer replaces the earlier list as a whole: with providers, two flag seeds over three file seeds would leave the
/// file's third seed in place (lists merge index by index), which no one expects.
/// </summary>
internal static class ConfigLayerMerger
{
    /// <summary>Keys whose values are lists and so replace, not merge.</summary>
    public static IReadOnlyList<string> ListKeys { get; } = [CommandLineParser.ListenKey, CommandLineParser.SeedsKey];

    public static Dictionary<string, ConfigEntry> Merge(params IReadOnlyList<ConfigEntry>[] layers)
    {
        var merged = new Dictionary<string, ConfigEntry>(StringComparer.OrdinalIgnoreCase);
        foreach (var layer in layers)
        {
            foreach (var listKey in ListKeys)
            {
                if (layer.Any(e => IsUnder(e.Key, listKey)))
                {
                    foreach (var key in merged.Keys.Where(k => IsUnder(k, listKey)).ToList())
                    {
                        merged.Remove(key);
                    }
                }
            }

            foreach (var entry in layer)
            {
                merged[entry.Key] = entry;
            }
        }

        return merged;
    }

    /// <summary>True when <paramref name="key"/> is <paramref name="root"/> or a key beneath it.</summary>
    public static bool IsUnder(string key, string root) =>
        key.Equals(root, StringComparison.OrdinalIgnoreCase) ||
        (key.Length > root.Length && key[root.Length] == ':' && key.StartsWith(root, StringComparison.OrdinalIgnoreCase));
}
