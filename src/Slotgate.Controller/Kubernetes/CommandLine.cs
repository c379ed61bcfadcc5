using Microsoft.Extensions.Logging;
using Slotgate.Configuration;
using Slotgate.Controller.Reconcile;

namespace Slotgate.Controller.Kubernetes;

/// <summary>The command line of <c>slotgate-controller</c>.</summary>
internal sealed record CommandLine(ControllerOptions Options, string? Kubeconfig, string? Context, LogLevel LogLevel)
{
    public const string Usage = """
        usage: slotgate-controller [options]
          --kubeconfig PATH          kubeconfig file (default: KUBECONFIG, else in-cluster, else ~/.kube/config)
          --context NAME             kubeconfig context (default: its current-context)
          --leader-elect true|false  elect one leader through a Lease (default true)
          --lease-namespace NS       the Lease's namespace (default: POD_NAMESPACE or the service account's)
          --lease-name NAME          the Lease's name (default slotgate-controller)
          --lease-duration DURATION  how long a leader's lease lasts (default 15s)
          --resync-period DURATION   reconcile everything again this often, as a safety net (default 5m)
          --workers N                objects reconciled at once (default 2)
          --log-level LEVEL          Trace, Debug, Information, Warning, Error (default Information)
        """;

    public static (CommandLine? Line, string? Error) Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var options = new ControllerOptions
        {
            Identity = environment("HOSTNAME") is { Length: > 0 } host ? host : Environment.MachineName,
            LeaseNamespace = ClientConfig.OwnNamespace(environment) ?? "slotgate-system",
        };
        string? kubeconfig = null;
        string? context = null;
        LogLevel level = LogLevel.Information;
        for (int i = 0; i < args.Count; i++)
        {
            string flag = args[i];
            string? value = null;
            int eq = flag.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                (flag, value) = (flag[..eq], flag[(eq + 1)..]);
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            if (value is null)
            {
                return (null, $"{flag}: a value is required");
            }
            switch (flag)
            {
                case "--kubeconfig":
                    kubeconfig = value;
                    break;
                case "--context":
                    context = value;
                    break;
                case "--leader-elect" when bool.TryParse(value, out bool elect):
                    options = options with { LeaderElection = elect };
                    break;
                case "--lease-namespace":
                    options = options with { LeaseNamespace = value };
                    break;
                case "--lease-name":
                    options = options with { LeaseName = value };
                    break;
                case "--lease-duration" when ConfigValueParser.TryParseDuration(value, out TimeSpan lease) && lease >= TimeSpan.FromSeconds(2):
                    options = options with
                    {
                        LeaseDuration = lease,
                        RenewDeadline = lease * 2 / 3,
                        RetryPeriod = lease / 7,
                    };
                    break;
                case "--resync-period" when ConfigValueParser.TryParseDuration(value, out TimeSpan resync) && resync >= TimeSpan.FromSeconds(1):
                    options = options with { ResyncPeriod = resync };
                    break;
                case "--workers" when int.TryParse(value, out int workers) && workers is >= 1 and <= 64:
                    options = options with { Workers = workers };
                    break;
                case "--log-level" when Enum.TryParse(value, ignoreCase: true, out LogLevel parsed):
                    level = parsed;
                    break;
                default:
                    return (null, $"{flag} {value}: unknown option or invalid value");
            }
        }
        return (new CommandLine(options, kubeconfig, context, level), null);
    }
}
