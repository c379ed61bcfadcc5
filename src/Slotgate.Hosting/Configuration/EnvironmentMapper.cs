namespace Slotgate.Configuration;

/// <summary>
/// Maps <c>SLOTGATE_*</c> environment variables to configuration entries: <c>__</c> separates levels
/// (<c>SLOTGATE_CLUSTER__SEEDS__0</c>), <c>SLOTGATE_SEEDS</c> and <c>SLOTGATE_LISTEN</c> take comma-separated lists, and
/// <c>SLOTGATE_CONFIG</c> names the YAML file.
/// </summary>
internal static class EnvironmentMapper
{
    public const string Prefix = "SLOTGATE_";
    public const string ConfigVariable = "SLOTGATE_CONFIG";

    public static IReadOnlyList<ConfigEntry> Map(IDictionary<string, string?> environment, out string? configFile)
    {
        configFile = null;
        var entries = new List<ConfigEntry>();

        // Sorted so that two variables naming the same key (SLOTGATE_SEEDS and SLOTGATE_CLUSTER__SEEDS) resolve the same
        // way on every machine rather than in hash order.
        foreach (var (name, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!name.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var rest = name[Prefix.Length..];
            if (rest.Equals("CONFIG", StringComparison.OrdinalIgnoreCase))
            {
                configFile = string.IsNullOrWhiteSpace(value) ? null : value;
            }
            else if (rest.Equals("SEEDS", StringComparison.OrdinalIgnoreCase))
            {
                entries.Add(new ConfigEntry(CommandLineParser.SeedsKey, value, name));
            }
            else if (rest.Equals("LISTEN", StringComparison.OrdinalIgnoreCase))
            {
                entries.Add(new ConfigEntry(CommandLineParser.ListenKey, value, name));
            }
            else if (rest.Contains("__", StringComparison.Ordinal))
            {
                entries.Add(new ConfigEntry(rest.Replace("__", ":", StringComparison.Ordinal), value, name));
            }

            // Any other SLOTGATE_X is ignored rather than reported: Kubernetes injects SLOTGATE_PORT,
            // SLOTGATE_SERVICE_HOST and friends into every pod of a namespace with a Service named "slotgate", and a
            // proxy that refused to start because of them would be a trap. Those never contain "__", so typos in real
            // keys are still caught.
        }

        return entries;
    }
}
