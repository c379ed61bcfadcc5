using System.Globalization;
using System.Text;

namespace Slotgate.Configuration;

/// <summary>
/// Renders effective options as YAML in the configuration file's own shape, so what <c>/config</c> shows can be pasted
/// into a file. Secrets are replaced by <see cref="SlotgateConfiguration.SecretMask"/>; everything else round-trips.
/// </summary>
internal static partial class OptionsRenderer
{
    public static string Render(SlotgateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var yaml = new StringBuilder();
        List(yaml, 0, "listen", options.Listen);

        var cluster = options.Cluster;
        yaml.Append("cluster:\n");
        List(yaml, 1, "seeds", cluster.Seeds);
        Scalar(yaml, 1, "refreshInterval", Duration(cluster.RefreshInterval));
        Scalar(yaml, 1, "refreshMinInterval", Duration(cluster.RefreshMinInterval));
        Scalar(yaml, 1, "username", cluster.Username is null ? null : Quote(cluster.Username));
        Scalar(yaml, 1, "password", cluster.Password is null ? null : Quote(SlotgateConfiguration.SecretMask));

        var backend = options.Backend;
        yaml.Append("backend:\n");
        Scalar(yaml, 1, "connectionsPerNode", Number(backend.ConnectionsPerNode));
        Scalar(yaml, 1, "connectTimeout", Duration(backend.ConnectTimeout));
        Scalar(yaml, 1, "operationTimeout", Duration(backend.OperationTimeout));
        Scalar(yaml, 1, "reconnectBackoffMin", Duration(backend.ReconnectBackoffMin));
        Scalar(yaml, 1, "reconnectBackoffMax", Duration(backend.ReconnectBackoffMax));

        yaml.Append("routing:\n");
        Scalar(yaml, 1, "maxRedirects", Number(options.Routing.MaxRedirects));
        Scalar(yaml, 1, "tryAgainDelay", Duration(options.Routing.TryAgainDelay));
        List(yaml, 1, "disabledCommands", options.Routing.DisabledCommands);
        List(yaml, 1, "customCommands", options.Routing.CustomCommands);
        Scalar(yaml, 1, "readFrom", options.Routing.ReadFrom);
        Scalar(yaml, 1, "failoverWait", Duration(options.Routing.FailoverWait));

        var limits = options.Limits;
        yaml.Append("limits:\n");
        Scalar(yaml, 1, "maxBulkLength", ConfigValueParser.FormatSize(limits.MaxBulkLength));
        Scalar(yaml, 1, "maxArguments", Number(limits.MaxArguments));
        Scalar(yaml, 1, "maxInlineLength", ConfigValueParser.FormatSize(limits.MaxInlineLength));
        Scalar(yaml, 1, "maxPendingCommandsPerClient", Number(limits.MaxPendingCommandsPerClient));
        Scalar(yaml, 1, "maxBlockedClients", Number(limits.MaxBlockedClients));

        yaml.Append("logging:\n");
        Scalar(yaml, 1, "logLevel", Quote(options.Logging.LogLevel));
        Scalar(yaml, 1, "json", options.Logging.Json ? "true" : "false");

        yaml.Append(options.Faults.Count == 0 ? "faults: []\n" : "faults:\n");
        foreach (var fault in options.Faults)
        {
            yaml.Append("  - type: ").Append(fault.Type).Append('\n');
            Scalar(yaml, 2, "percent", fault.Percent.ToString(CultureInfo.InvariantCulture));
            Scalar(yaml, 2, "delay", Duration(fault.Delay));
            List(yaml, 2, "commands", fault.Commands);
        }

        RenderUpstreamsAndRoutes(yaml, options);
        return yaml.ToString();
    }

    /// <param name="value">Already YAML text; null renders as an empty value, which the loader reads as "not set".</param>
    private static void Scalar(StringBuilder yaml, int depth, string key, string? value)
    {
        yaml.Append(' ', depth * 2).Append(key).Append(':');
        if (value is not null)
        {
            yaml.Append(' ').Append(value);
        }

        yaml.Append('\n');
    }

    private static void List(StringBuilder yaml, int depth, string key, IReadOnlyList<string> items)
    {
        yaml.Append(' ', depth * 2).Append(key).Append(':');
        if (items.Count == 0)
        {
            yaml.Append(" []\n");
            return;
        }

        yaml.Append('\n');
        foreach (var item in items)
        {
            yaml.Append(' ', (depth + 1) * 2).Append("- ").Append(Quote(item)).Append('\n');
        }
    }

    private static string Duration(TimeSpan value) => ConfigValueParser.FormatDuration(value);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A YAML double-quoted scalar: always quoted because "[::1]:7000" would otherwise start a flow sequence.</summary>
    private static string Quote(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\r': quoted.Append("\\r"); break;
                case '\t': quoted.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        quoted.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        quoted.Append(c);
                    }

                    break;
            }
        }

        return quoted.Append('"').ToString();
    }
}
