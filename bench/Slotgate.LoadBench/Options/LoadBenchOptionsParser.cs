using System.Globalization;

namespace Slotgate.LoadBench.Options;

/// <summary>Parses the command line, collecting every problem so one run reports them all.</summary>
internal static class LoadBenchOptionsParser
{
    public const string Usage = """
        Usage: Slotgate.LoadBench --slotgate PATH [options]

          --slotgate PATH          slotgate build to measure (native binary, apphost, or slotgate.dll)
          --quick                  short runs, one round: a smoke check of the harness
          --scenarios a,b          only these scenarios (see the list below)
          --rounds N               direct/proxy pairs per scenario, median reported (default 2; 1 with --quick)
          --replicas N             replicas per primary in the local cluster (default 0)
          --idle-clients N         idle connections for the memory-per-client measurement (default 10000; 0 skips)
          --php-requests N         requests per round of the PHP-FPM churn probe (default 3000; 0 skips)
          --out DIR                where results go (default artifacts/bench)
          --redis-benchmark PATH   redis-benchmark binary (default: from PATH)
          -h, --help               this text
        """;

    public static (LoadBenchOptions Options, IReadOnlyList<string> Errors) Parse(IReadOnlyList<string> args)
    {
        var errors = new List<string>();
        var options = new LoadBenchOptions();
        int? rounds = null;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string? inlineValue = null;
            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                inlineValue = arg[(equals + 1)..];
                arg = arg[..equals];
            }

            string? Value()
            {
                if (inlineValue is not null)
                {
                    return inlineValue;
                }
                if (i + 1 < args.Count)
                {
                    return args[++i];
                }
                errors.Add($"{arg}: needs a value.");
                return null;
            }

            int? Integer(int min)
            {
                string? text = Value();
                if (text is null)
                {
                    return null;
                }
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < min)
                {
                    errors.Add($"{arg}: expected a whole number >= {min}, got '{text}'.");
                    return null;
                }
                return value;
            }

            switch (arg)
            {
                case "--slotgate":
                    options = options with { SlotgatePath = Value() ?? "" };
                    break;
                case "--quick":
                    options = options with { Quick = true };
                    break;
                case "--scenarios":
                    options = options with
                    {
                        Scenarios = [.. (Value() ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
                    };
                    break;
                case "--rounds":
                    rounds = Integer(1) ?? rounds;
                    break;
                case "--replicas":
                    options = options with { ReplicasPerPrimary = Integer(0) ?? 0 };
                    break;
                case "--idle-clients":
                    options = options with { IdleClients = Integer(0) ?? LoadBenchOptions.DefaultIdleClients };
                    break;
                case "--php-requests":
                    options = options with { PhpRequests = Integer(0) ?? LoadBenchOptions.DefaultPhpRequests };
                    break;
                case "--out":
                    options = options with { OutputDirectory = Value() ?? options.OutputDirectory };
                    break;
                case "--redis-benchmark":
                    options = options with { RedisBenchmarkPath = Value() ?? options.RedisBenchmarkPath };
                    break;
                case "-h" or "--help":
                    options = options with { ShowHelp = true };
                    break;
                default:
                    errors.Add($"{arg}: unknown option.");
                    break;
            }
        }

        options = options with { Rounds = rounds ?? (options.Quick ? 1 : LoadBenchOptions.DefaultRounds) };
        if (!options.ShowHelp && string.IsNullOrWhiteSpace(options.SlotgatePath))
        {
            errors.Add("--slotgate: required; point it at a published slotgate (bench/run.sh does this for you).");
        }
        return (options, errors);
    }
}
