using System.Collections;

namespace Slotgate.Configuration;

/// <summary>
/// Entry point for Slotgate's configuration: defaults &lt; YAML file &lt; environment variables &lt; command-line flags,
/// later winning. See docs/configuration.md for every option.
/// </summary>
internal static class SlotgateConfiguration
{
    /// <summary>What a secret is shown as, wherever options are displayed.</summary>
    public const string SecretMask = SlotgateOptions.SecretMask;

    public const string HelpText =
        """
        Usage: slotgate [command] [options]

        A Redis Cluster proxy: clients speak to it as to one Redis server.

        Commands:
          (none)                        Run the proxy.
          controller                    Run the Gateway API controller.
          import-envoy FILE [-o OUT]    Convert an Envoy redis_proxy configuration to Slotgate YAML.

        Options:
          --seed HOST:PORT              Cluster node to discover the topology from. Repeatable, or
                                        comma-separated. At least one is required.
          --listen HOST:PORT            Address to accept clients on (default 0.0.0.0:7000). Repeatable.
          -c, --config FILE             YAML configuration file (or env SLOTGATE_CONFIG).
          --log-level LEVEL             Trace, Debug, Information (default), Warning, Error, Critical, None.
          --connections-per-node N      Backend connections per Redis node, 1..64 (default: one per event loop; 2 on Kestrel's transport).
          --op-timeout DURATION         Time a command may wait for its reply (default 5s).
          --SECTION:KEY=VALUE           Any option by its path, e.g. --cluster:refreshInterval=5s
                                        or --limits.maxBulkLength 64mb.
          -h, --help                    Show this help.

        Every option can also be set in the YAML file (camelCase keys, e.g. cluster: { seeds: [...] }) or
        by environment variable: SLOTGATE_ + the path with __ between levels, e.g.
        SLOTGATE_CLUSTER__REFRESHINTERVAL=5s, SLOTGATE_CLUSTER__SEEDS__0=10.0.0.1:7000, or SLOTGATE_SEEDS=a:7000,b:7000.
        Later sources win: defaults < file < environment < command line.

        Durations: 250ms, 5s, 2m, 1h, 1m30s or hh:mm:ss. Sizes: 65536, 64kb, 512mb, 1gb.
        Options of a subcommand go after the subcommand's name.
        """;

    /// <summary>
    /// Builds the effective options from <paramref name="args"/>, <paramref name="environment"/> (the process environment
    /// when null) and the YAML file they name. Never throws for bad input: every problem is in the result's errors.
    /// </summary>
    public static SlotgateConfigLoadResult Load(string[] args, IDictionary<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var commandLine = CommandLineParser.Parse(args);
        var errors = new List<string>(commandLine.Errors);

        var environmentEntries = EnvironmentMapper.Map(environment ?? ReadProcessEnvironment(), out var environmentConfigFile);
        var configFile = commandLine.ConfigFile ?? environmentConfigFile;
        var fileEntries = configFile is null ? [] : YamlFileLoader.Load(configFile, errors);

        var merged = ConfigLayerMerger.Merge(fileEntries, environmentEntries, commandLine.Entries);
        var options = new OptionsReader(merged, errors).Read();
        errors.AddRange(Validate(options));

        return new SlotgateConfigLoadResult
        {
            Options = errors.Count == 0 ? options : null,
            Errors = errors,
            RemainingArgs = commandLine.RemainingArgs,
            HelpRequested = commandLine.HelpRequested,
            ConfigFile = configFile is null ? null : Path.GetFullPath(configFile),
        };
    }

    /// <summary>Every problem with <paramref name="options"/>, each naming its path; empty when they are usable.</summary>
    public static IReadOnlyList<string> Validate(SlotgateOptions options) => OptionsValidator.Validate(options);

    /// <summary>The options as YAML in the config file's shape, secrets shown as <see cref="SecretMask"/>.</summary>
    public static string Render(SlotgateOptions options) => OptionsRenderer.Render(options);

    private static Dictionary<string, string?> ReadProcessEnvironment()
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            result[(string)entry.Key] = entry.Value as string;
        }

        return result;
    }
}
