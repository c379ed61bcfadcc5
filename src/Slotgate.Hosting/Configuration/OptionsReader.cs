using Microsoft.Extensions.Configuration;

namespace Slotgate.Configuration;

/// <summary>
/// Reads merged configuration into <see cref="SlotgateOptions"/> by hand. No reflection binding: it keeps Native AOT
/// trimming-safe, and reading by hand lets every unknown key and unparsable value be reported with its path (and, for
/// unknown keys, where it came from) instead of being ignored or failing on the first one. Value ranges are left to
/// <see cref="OptionsValidator"/> so that options built in code get the same checks.
/// </summary>
internal sealed partial class OptionsReader
{
    private static readonly string[] RootKeys = ["listen", "tls", "proxyProtocol", "cluster", "backend", "routing", "limits", "shutdown", "io", "auth", "logging", "admin", "diagnostics", "faults", "upstreams", "routes"];

    private readonly IReadOnlyDictionary<string, ConfigEntry> _entries;
    private readonly List<string> _errors;

    public OptionsReader(IReadOnlyDictionary<string, ConfigEntry> entries, List<string> errors)
    {
        _entries = entries;
        _errors = errors;
    }

    public SlotgateOptions Read()
    {
        var root = new ConfigurationBuilder()
            .AddInMemoryCollection(_entries.Select(e => new KeyValuePair<string, string?>(e.Key, e.Value.Value)))
            .Build();

        var options = new SlotgateOptions();
        foreach (var section in root.GetChildren())
        {
            options = Canonical(section.Key, RootKeys) switch
            {
                "listen" => options with { Listen = ReadList(section, "listen") },
                "tls" => options with { Tls = ReadTls(section, "tls") },
                "proxyProtocol" => options with { ProxyProtocol = ReadProxyProtocol(section, "proxyProtocol") },
                "cluster" => options with { Cluster = ReadCluster(section, "cluster") },
                "backend" => options with { Backend = ReadBackend(section, "backend") },
                "routing" => options with { Routing = ReadRouting(section, "routing") },
                "limits" => options with { Limits = ReadLimits(section, "limits") },
                "shutdown" => options with { Shutdown = ReadShutdown(section, "shutdown") },
                "io" => options with { Io = ReadIo(section, "io") },
                "auth" => options with { Auth = ReadAuth(section, "auth") },
                "logging" => options with { Logging = ReadLogging(section, "logging") },
                "admin" => options with { Admin = ReadAdmin(section, "admin") },
                "diagnostics" => options with { Diagnostics = ReadDiagnostics(section, "diagnostics") },
                "faults" => options with { Faults = ReadFaults(section, "faults") },
                "upstreams" => options with { Upstreams = ReadUpstreams(section, "upstreams") },
                "routes" => options with { Routes = ReadRoutes(section, "routes") },
                _ => Unknown(options, section, string.Empty, RootKeys),
            };
        }

        return options;
    }

    /// <summary>
    /// Reads a section of keys into <paramref name="options"/>, one key at a time: <paramref name="apply"/> gets the
    /// options so far, the key's canonical name, its section and its path, and returns the options with that key set,
    /// or null for a key it does not know (reported with a suggestion from <paramref name="known"/>).
    /// </summary>
    private T ReadSection<T>(IConfigurationSection section, string path, string[] known, T options, Func<T, string, IConfigurationSection, string, T?> apply)
        where T : class
    {
        foreach (var child in Children(section, path))
        {
            var name = Canonical(child.Key, known);
            options = apply(options, name, child, path + "." + name) ?? Unknown(options, child, path, known);
        }

        return options;
    }

    /// <summary>The children of a section that should be a mapping; a plain value there is an error.</summary>
    private IEnumerable<IConfigurationSection> Children(IConfigurationSection section, string path)
    {
        // A value here is an error even when keys from another source sit beside it (cluster: oops in the file plus
        // --seed on the command line): the value would otherwise be silently ignored.
        if (!string.IsNullOrEmpty(section.Value))
        {
            _errors.Add($"{path}: expected a section with keys, got the value '{section.Value}'{From(section)}");
        }

        return section.GetChildren();
    }

    private T Unknown<T>(T unchanged, IConfigurationSection section, string parentPath, string[] known)
    {
        var path = parentPath.Length == 0 ? section.Key : parentPath + "." + section.Key;
        var suggestion = Suggest(section.Key, known);
        var hint = suggestion is null ? string.Empty : $" (did you mean '{suggestion}'?)";
        _errors.Add($"{path}: unknown key{hint}{From(section)}");
        return unchanged;
    }

    /// <summary>" (from X)" naming the file, variable or flag a key came from, so a typo is easy to find.</summary>
    private string From(IConfigurationSection section)
    {
        foreach (var (key, entry) in _entries)
        {
            if (ConfigLayerMerger.IsUnder(key, section.Path))
            {
                return $" (from {entry.Source})";
            }
        }

        return string.Empty;
    }

    /// <summary>The canonical spelling of a key matched case-insensitively, or the key itself when it is unknown.</summary>
    private static string Canonical(string key, string[] known) =>
        known.FirstOrDefault(k => k.Equals(key, StringComparison.OrdinalIgnoreCase)) ?? key;

    /// <summary>The known key nearest to a misspelt one, if it is near enough (edit distance at most 2) to be a typo.</summary>
    private static string? Suggest(string key, string[] known)
    {
        string? best = null;
        var bestDistance = 3;
        foreach (var candidate in known)
        {
            var distance = EditDistance(key.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
