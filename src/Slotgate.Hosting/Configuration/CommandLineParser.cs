namespace Slotgate.Configuration;

/// <summary>
/// Turns command-line arguments into configuration entries. Recognised options are consumed wherever they appear; any
/// other argument (a subcommand word, the subcommand's own options) is kept, in order, for the caller. An unrecognised
/// option before any subcommand word is an error, which catches typos such as <c>--sed</c>.
/// </summary>
internal static class CommandLineParser
{
    public const string SeedsKey = "cluster:seeds";
    public const string ListenKey = "listen";

    public static ParsedCommandLine Parse(IReadOnlyList<string> args)
    {
        var entries = new List<ConfigEntry>();
        var remaining = new List<string>();
        var errors = new List<string>();
        var seeds = new List<string>();
        var listen = new List<string>();
        string? configFile = null;
        var help = false;

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                // Conventional end of options: everything after belongs to the caller untouched.
                remaining.AddRange(args.Skip(i + 1));
                break;
            }

            if (arg is "-h" or "--help" or "-?")
            {
                help = true;
                continue;
            }

            if (arg == "-c")
            {
                configFile = TakeValue(arg, null, args, ref i, errors) ?? configFile;
                continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                remaining.Add(arg);
                continue;
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? arg[2..] : arg[2..equals];
            var inline = equals < 0 ? null : arg[(equals + 1)..];
            var flag = "--" + name;

            switch (name.ToLowerInvariant())
            {
                case "seed" or "seeds":
                    AddList(seeds, TakeValue(flag, inline, args, ref i, errors));
                    break;
                case "listen":
                    AddList(listen, TakeValue(flag, inline, args, ref i, errors));
                    break;
                case "config":
                    configFile = TakeValue(flag, inline, args, ref i, errors) ?? configFile;
                    break;
                case "log-level":
                    Add(entries, "logging:logLevel", TakeValue(flag, inline, args, ref i, errors), flag);
                    break;
                case "connections-per-node":
                    Add(entries, "backend:connectionsPerNode", TakeValue(flag, inline, args, ref i, errors), flag);
                    break;
                case "op-timeout":
                    Add(entries, "backend:operationTimeout", TakeValue(flag, inline, args, ref i, errors), flag);
                    break;
                default:
                    if (name.Contains(':', StringComparison.Ordinal) || name.Contains('.', StringComparison.Ordinal))
                    {
                        // Generic form for every option: --cluster:refreshInterval=5s or --cluster.refreshInterval 5s.
                        var key = name.Replace('.', ':');
                        Add(entries, key, TakeValue(flag, inline, args, ref i, errors), flag);
                    }
                    else
                    {
                        remaining.Add(arg);
                    }

                    break;
            }
        }

        // A list given on the command line replaces the list from the file or environment, so it is one entry holding
        // the comma-joined items rather than indexed keys that would merge index by index with the lower layers.
        if (seeds.Count > 0)
        {
            entries.Add(new ConfigEntry(SeedsKey, string.Join(',', seeds), "--seed"));
        }

        if (listen.Count > 0)
        {
            entries.Add(new ConfigEntry(ListenKey, string.Join(',', listen), "--listen"));
        }

        if (remaining.Count > 0 && remaining[0].StartsWith('-'))
        {
            errors.Add($"{remaining[0]}: unknown option (see --help; options of a subcommand go after its name)");
        }

        return new ParsedCommandLine
        {
            Entries = entries,
            ConfigFile = configFile,
            HelpRequested = help,
            RemainingArgs = remaining,
            Errors = errors,
        };
    }

    private static string? TakeValue(string flag, string? inline, IReadOnlyList<string> args, ref int i, List<string> errors)
    {
        if (inline is not null)
        {
            return inline;
        }

        // No option value here starts with '-' (durations and counts are never negative), so "--seed --listen x" is a
        // forgotten value rather than a value of "--listen".
        if (i + 1 < args.Count && !args[i + 1].StartsWith('-'))
        {
            i++;
            return args[i];
        }

        errors.Add($"{flag}: needs a value");
        return null;
    }

    private static void Add(List<ConfigEntry> entries, string key, string? value, string source)
    {
        if (value is not null)
        {
            entries.Add(new ConfigEntry(key, value, source));
        }
    }

    private static void AddList(List<string> list, string? value)
    {
        if (value is null)
        {
            return;
        }

        foreach (var item in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            list.Add(item);
        }
    }
}
