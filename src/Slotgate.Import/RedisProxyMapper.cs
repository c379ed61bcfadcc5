using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Slotgate.Import;

/// <summary>
/// Maps the fields of an <c>envoy.extensions.filters.network.redis_proxy.v3.RedisProxy</c> typed config. Every field is
/// either carried over or noted with its reason; unknown fields are noted too, so nothing is dropped unseen.
/// </summary>
internal static class RedisProxyMapper
{
    private const string NoFlushBuffer =
        "Slotgate writes a client's pipelined commands to a node as soon as they are read, so there is no flush buffer to size";

    /// <summary>The ConnPoolSettings fields that have no Slotgate setting, each with the note that says why.</summary>
    private static readonly Dictionary<string, string> UnmappedSettings = new()
    {
        ["max_buffer_size_before_flush"] = NoFlushBuffer,
        ["buffer_flush_timeout"] = NoFlushBuffer,
        ["max_upstream_unknown_connections"] =
            "Slotgate reaches nodes named in redirects with its normal pool (backend.connectionsPerNode per node); no separate limit",
        ["enable_command_stats"] = "Slotgate has no switch for per-command statistics: not carried over",
        ["dns_cache_config"] =
            "Slotgate resolves host names (seeds, nodes in CLUSTER SLOTS and redirects) with the system resolver when it connects; there is no DNS cache to configure",
        ["connection_rate_limit"] = "Slotgate has no limit on new client connections per second in this version: not carried over",
    };

    /// <summary>Maps <paramref name="proxy"/> into <paramref name="config"/>; returns the name of the cluster it sends keys to.</summary>
    public static string? Map(YamlMappingNode proxy, string path, ImportedConfig config)
    {
        string? upstream = null;
        string? username = null;
        var passwords = new List<string>();
        var passwordFiles = new List<string>();
        foreach (var (key, value) in EnvoyYaml.Entries(proxy))
        {
            string at = EnvoyImporter.Join(path, key);
            switch (key)
            {
                case "@type":
                    break;
                case "stat_prefix":
                    config.Notes.Add(new ImportNote(at, "Slotgate's metrics have fixed names (see docs/migrating-from-envoy.md for the stat mapping); the prefix is not used"));
                    break;
                case "settings":
                    MapSettings(value as YamlMappingNode, at, config);
                    break;
                case "prefix_routes":
                    upstream = MapRoutes(value as YamlMappingNode, at, config);
                    break;
                case "cluster":
                    // v2's single cluster field.
                    upstream ??= (value as YamlScalarNode)?.Value;
                    break;
                case "downstream_auth_username":
                    username = DataSource(value, at, config, passwordFiles: null);
                    break;
                case "downstream_auth_password":
                    AddPassword(DataSource(value, at, config, passwordFiles), passwords);
                    break;
                case "downstream_auth_passwords":
                    if (value is YamlSequenceNode list)
                    {
                        for (int i = 0; i < list.Children.Count; i++)
                        {
                            AddPassword(DataSource(list.Children[i], $"{at}[{i}]", config, passwordFiles), passwords);
                        }
                    }
                    break;
                case "faults":
                    MapFaults(value as YamlSequenceNode, at, config);
                    break;
                case "custom_commands":
                    foreach (YamlNode command in value as YamlSequenceNode ?? [])
                    {
                        if (command is YamlScalarNode { Value: { } name })
                        {
                            config.CustomCommands.Add(name);
                        }
                    }
                    break;
                case "latency_in_micros":
                    config.Notes.Add(new ImportNote(at, "Slotgate's latency histograms are always in seconds (Prometheus convention); nothing to set"));
                    break;
                case "external_auth_provider":
                    config.Notes.Add(new ImportNote(at, "external authentication (a gRPC auth service) has no Slotgate equivalent: not carried over"));
                    break;
                default:
                    config.Notes.Add(new ImportNote(at, "unknown RedisProxy field: not carried over"));
                    break;
            }
        }
        if (passwords.Count > 0 || passwordFiles.Count > 0)
        {
            // Envoy with a password but no username takes AUTH <password>, which is Redis's "default" user.
            config.Users.Add(new ImportedUser(username ?? "default", passwords, passwordFiles));
        }
        else if (username is not null)
        {
            config.Notes.Add(new ImportNote(EnvoyImporter.Join(path, "downstream_auth_username"), "a username without a password: not carried over"));
        }
        return upstream;
    }

    private static void AddPassword(string? password, List<string> passwords)
    {
        if (password is not null)
        {
            passwords.Add(password);
        }
    }

    /// <summary>
    /// An Envoy DataSource: inline_string / inline_bytes are the value; filename goes to <paramref name="passwordFiles"/>
    /// when the target takes files; environment_variable cannot be expressed in a Slotgate file.
    /// </summary>
    internal static string? DataSource(YamlNode source, string path, ImportedConfig config, List<string>? passwordFiles)
    {
        if (EnvoyYaml.Text(source, "inline_string") is { } inline)
        {
            return inline;
        }
        if (EnvoyYaml.Text(source, "inline_bytes") is { } bytes)
        {
            try
            {
                return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(bytes));
            }
            catch (FormatException)
            {
                config.Notes.Add(new ImportNote(EnvoyImporter.Join(path, "inline_bytes"), "not base64: not carried over"));
                return null;
            }
        }
        if (EnvoyYaml.Text(source, "filename") is { } file)
        {
            if (passwordFiles is not null)
            {
                passwordFiles.Add(file);
            }
            else
            {
                config.Notes.Add(new ImportNote(EnvoyImporter.Join(path, "filename"), $"read from a file ('{file}'), which this Slotgate setting cannot do: put the value in the configuration or its environment variable"));
            }
            return null;
        }
        if (EnvoyYaml.Text(source, "environment_variable") is { } variable)
        {
            config.Notes.Add(new ImportNote(EnvoyImporter.Join(path, "environment_variable"), $"read from ${variable}: set the matching SLOTGATE_ variable from it (see docs/configuration.md)"));
            return null;
        }
        config.Notes.Add(new ImportNote(path, "a data source with no inline_string, inline_bytes, filename or environment_variable: not carried over"));
        return null;
    }

    private static void MapSettings(YamlMappingNode? settings, string path, ImportedConfig config)
    {
        foreach (var (key, value) in settings is null ? [] : EnvoyYaml.Entries(settings))
        {
            string at = EnvoyImporter.Join(path, key);
            switch (key)
            {
                case "op_timeout" when EnvoyYaml.TryDuration(value, out TimeSpan timeout):
                    config.OperationTimeout = timeout;
                    break;
                case "enable_redirection":
                    if (!EnvoyYaml.IsTrue(value))
                    {
                        // Envoy without redirection hands MOVED/ASK to the client; Slotgate's equivalent is following none.
                        config.MaxRedirects = 0;
                    }
                    break;
                case "enable_hashtagging":
                    if (!EnvoyYaml.IsTrue(value))
                    {
                        config.Notes.Add(new ImportNote(at, "false: Slotgate always honours {hashtags}, as Redis Cluster itself does; cannot be turned off"));
                    }
                    break;
                case "read_policy":
                    string? policy = (value as YamlScalarNode)?.Value?.ToUpperInvariant() switch
                    {
                        "MASTER" or "PRIMARY" => "primary",
                        "PREFER_MASTER" or "PREFER_PRIMARY" => "prefer-primary",
                        "REPLICA" => "replica",
                        "PREFER_REPLICA" => "prefer-replica",
                        "ANY" => "any",
                        _ => null,
                    };
                    if (policy is null)
                    {
                        config.Notes.Add(new ImportNote(at, "unknown read policy: not carried over"));
                    }
                    config.ReadFrom = policy ?? config.ReadFrom;
                    break;
                default:
                    config.Notes.Add(new ImportNote(at, UnmappedSettings.GetValueOrDefault(key)
                        ?? (key == "op_timeout" ? "not a duration: not carried over" : "unknown ConnPoolSettings field: not carried over")));
                    break;
            }
        }
    }

    private static string? MapRoutes(YamlMappingNode? routes, string path, ImportedConfig config)
    {
        if (routes is null)
        {
            return null;
        }
        foreach (var (key, value) in EnvoyYaml.Entries(routes))
        {
            string at = EnvoyImporter.Join(path, key);
            switch (key)
            {
                case "catch_all_route":
                    config.CatchAll = MapRoute(value, at, config, isCatchAll: true);
                    break;
                case "case_insensitive":
                    config.CaseInsensitive = EnvoyYaml.IsTrue(value);
                    break;
                case "routes":
                    var list = value as YamlSequenceNode ?? [];
                    for (int i = 0; i < list.Children.Count; i++)
                    {
                        config.Routes.Add(MapRoute(list.Children[i], $"{at}[{i}]", config, isCatchAll: false));
                    }
                    break;
                default:
                    config.Notes.Add(new ImportNote(at, "unknown PrefixRoutes field: not carried over"));
                    break;
            }
        }
        if (config.CatchAll is null && config.Routes.Count > 0)
        {
            config.Notes.Add(new ImportNote(EnvoyImporter.Join(path, "catch_all_route"),
                "absent: Envoy refuses keys no prefix matches, Slotgate sends them to the main cluster (cluster.seeds)"));
        }
        return config.CatchAll?.Upstream ?? config.Routes.FirstOrDefault(r => r.Upstream is not null)?.Upstream;
    }

    /// <summary>One route, with cluster names still Envoy's; <see cref="EnvoyImporter"/> resolves them to upstreams.</summary>
    private static ImportedRoute MapRoute(YamlNode route, string path, ImportedConfig config, bool isCatchAll)
    {
        var result = new ImportedRoute
        {
            Prefix = EnvoyYaml.Text(route, "prefix") ?? string.Empty,
            Upstream = EnvoyYaml.Text(route, "cluster"),
            RemovePrefix = !isCatchAll && EnvoyYaml.IsTrue(EnvoyYaml.Child(route, "remove_prefix")),
            KeyFormatter = EnvoyYaml.Text(route, "key_formatter"),
            ReadUpstream = EnvoyYaml.Text(EnvoyYaml.Child(route, "read_command_policy"), "cluster"),
            Path = path,
        };
        foreach (var (key, value) in route is YamlMappingNode map ? EnvoyYaml.Entries(map) : [])
        {
            string at = EnvoyImporter.Join(path, key);
            switch (key)
            {
                case "cluster":
                case "remove_prefix":
                case "read_command_policy":
                    break;
                case "prefix":
                    if (isCatchAll && result.Prefix.Length > 0)
                    {
                        config.Notes.Add(new ImportNote(at, "a prefix on the catch-all route means nothing: not carried over"));
                    }
                    break;
                case "key_formatter":
                    if (result.KeyFormatter?.Contains("%KEY%", StringComparison.Ordinal) != true)
                    {
                        config.Notes.Add(new ImportNote(at, "a key formatter without %KEY% (or with other substitutions): not carried over"));
                        result.KeyFormatter = null;
                    }
                    break;
                case "request_mirror_policy":
                    var mirrors = value as YamlSequenceNode ?? [];
                    for (int i = 0; i < mirrors.Children.Count; i++)
                    {
                        if (MapMirror(mirrors.Children[i], $"{at}[{i}]", config) is { } mirror)
                        {
                            result.Mirrors.Add(mirror);
                        }
                    }
                    break;
                default:
                    config.Notes.Add(new ImportNote(at, "unknown Route field: not carried over"));
                    break;
            }
        }
        return result;
    }

    private static ImportedMirror? MapMirror(YamlNode mirror, string path, ImportedConfig config)
    {
        double percent = 100;
        foreach (var (key, value) in mirror is YamlMappingNode map ? EnvoyYaml.Entries(map) : [])
        {
            string at = EnvoyImporter.Join(path, key);
            switch (key)
            {
                case "cluster":
                case "exclude_read_commands":
                    break;
                case "runtime_fraction":
                    percent = Percent(EnvoyYaml.Child(value, "default_value"));
                    if (EnvoyYaml.Text(value, "runtime_key") is { } runtimeKey)
                    {
                        config.Notes.Add(new ImportNote(EnvoyImporter.Join(at, "runtime_key"), $"Slotgate has no runtime layer: the mirror copies its default share, not runtime key '{runtimeKey}'"));
                    }
                    break;
                default:
                    config.Notes.Add(new ImportNote(at, "unknown RequestMirrorPolicy field: not carried over"));
                    break;
            }
        }
        return new ImportedMirror
        {
            Upstream = EnvoyYaml.Text(mirror, "cluster"),
            Percent = percent,
            ExcludeReads = EnvoyYaml.IsTrue(EnvoyYaml.Child(mirror, "exclude_read_commands")),
        };
    }

    /// <summary>A FractionalPercent (numerator over HUNDRED, TEN_THOUSAND or MILLION) as a percentage.</summary>
    private static double Percent(YamlNode? fraction)
    {
        if (fraction is null)
        {
            return 0;
        }
        double numerator = double.TryParse(EnvoyYaml.Text(fraction, "numerator") ?? "0", NumberStyles.Float, CultureInfo.InvariantCulture, out double n) ? n : 0;
        double denominator = (EnvoyYaml.Text(fraction, "denominator") ?? "HUNDRED").ToUpperInvariant() switch
        {
            "TEN_THOUSAND" => 10_000,
            "MILLION" => 1_000_000,
            _ => 100,
        };
        return Math.Min(100, numerator * 100 / denominator);
    }

    private static void MapFaults(YamlSequenceNode? faults, string path, ImportedConfig config)
    {
        var list = faults ?? [];
        for (int i = 0; i < list.Children.Count; i++)
        {
            YamlNode fault = list.Children[i];
            string at = $"{path}[{i}]";
            string type = (EnvoyYaml.Text(fault, "fault_type") ?? "ERROR").ToUpperInvariant();
            TimeSpan? delay = null;
            if (EnvoyYaml.Child(fault, "delay") is { } delayNode)
            {
                if (EnvoyYaml.TryDuration(delayNode, out TimeSpan parsed))
                {
                    delay = parsed;
                }
                else
                {
                    config.Notes.Add(new ImportNote(EnvoyImporter.Join(at, "delay"), "not a duration: fault not carried over"));
                    continue;
                }
            }
            if (type is not ("ERROR" or "DELAY"))
            {
                config.Notes.Add(new ImportNote(EnvoyImporter.Join(at, "fault_type"), $"unknown fault type '{type}': fault not carried over"));
                continue;
            }
            YamlNode? enabled = EnvoyYaml.Child(fault, "fault_enabled");
            double percent = Percent(EnvoyYaml.Child(enabled, "default_value"));
            if (EnvoyYaml.Text(enabled, "runtime_key") is { } runtimeKey)
            {
                config.Notes.Add(new ImportNote(EnvoyImporter.Join(at, "fault_enabled.runtime_key"), $"Slotgate has no runtime layer: the fault uses its default percentage, not runtime key '{runtimeKey}'"));
            }
            var commands = new List<string>();
            foreach (YamlNode command in EnvoyYaml.Seq(fault, "commands") ?? [])
            {
                if (command is YamlScalarNode { Value: { } name })
                {
                    commands.Add(name);
                }
            }
            config.Faults.Add(new ImportedFault(type == "DELAY" ? "delay" : "error", percent, delay, commands));
        }
    }
}
