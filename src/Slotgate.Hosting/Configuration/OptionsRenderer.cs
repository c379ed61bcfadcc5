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

        var tls = options.Tls;
        yaml.Append("tls:\n");
        List(yaml, 1, "listen", tls.Listen);
        Scalar(yaml, 1, "certFile", Path(tls.CertFile));
        // The key file's path is shown, never its content: only the file system holds the key.
        Scalar(yaml, 1, "keyFile", Path(tls.KeyFile));
        Scalar(yaml, 1, "clientCaFile", Path(tls.ClientCaFile));
        Scalar(yaml, 1, "clientCertificates", tls.ClientCertificates);
        Scalar(yaml, 1, "reloadInterval", Duration(tls.ReloadInterval));

        var proxyProtocol = options.ProxyProtocol;
        yaml.Append("proxyProtocol:\n");
        List(yaml, 1, "listen", proxyProtocol.Listen);
        List(yaml, 1, "trustedProxies", proxyProtocol.TrustedProxies);
        Scalar(yaml, 1, "headerTimeout", Duration(proxyProtocol.HeaderTimeout));

        var cluster = options.Cluster;
        yaml.Append("cluster:\n");
        List(yaml, 1, "seeds", cluster.Seeds);
        Scalar(yaml, 1, "refreshInterval", Duration(cluster.RefreshInterval));
        Scalar(yaml, 1, "refreshMinInterval", Duration(cluster.RefreshMinInterval));
        Scalar(yaml, 1, "username", cluster.Username is null ? null : Quote(cluster.Username));
        Scalar(yaml, 1, "password", cluster.Password is null ? null : Quote(SlotgateConfiguration.SecretMask));
        Scalar(yaml, 1, "usernameFile", Path(cluster.UsernameFile));
        Scalar(yaml, 1, "passwordFile", Path(cluster.PasswordFile));
        Scalar(yaml, 1, "fileReloadInterval", Duration(cluster.FileReloadInterval));
        yaml.Append("  tls:\n");
        Scalar(yaml, 2, "enabled", cluster.Tls.Enabled ? "true" : "false");
        Scalar(yaml, 2, "caFile", Path(cluster.Tls.CaFile));
        Scalar(yaml, 2, "serverName", Path(cluster.Tls.ServerName));
        Scalar(yaml, 2, "insecureSkipVerify", cluster.Tls.InsecureSkipVerify ? "true" : "false");
        Scalar(yaml, 2, "certFile", Path(cluster.Tls.CertFile));
        Scalar(yaml, 2, "keyFile", Path(cluster.Tls.KeyFile));

        var backend = options.Backend;
        yaml.Append("backend:\n");
        if (backend.ConnectionsPerNode is { } connections)
        {
            Scalar(yaml, 1, "connectionsPerNode", Number(connections));
        }
        else
        {
            // Left empty, as in the file: the default, shown with what it comes to here.
            yaml.Append("  connectionsPerNode: # default: ")
                .Append(Number(backend.EffectiveConnectionsPerNode(options.Io, options.Cluster.Tls.Enabled)))
                .Append(" (one per event loop; 2 on Kestrel's transport)\n");
        }
        Scalar(yaml, 1, "connectTimeout", Duration(backend.ConnectTimeout));
        Scalar(yaml, 1, "operationTimeout", Duration(backend.OperationTimeout));
        Scalar(yaml, 1, "reconnectBackoffMin", Duration(backend.ReconnectBackoffMin));
        Scalar(yaml, 1, "reconnectBackoffMax", Duration(backend.ReconnectBackoffMax));
        Scalar(yaml, 1, "maxReconnectsPerSecond", Number(backend.MaxReconnectsPerSecond));

        yaml.Append("routing:\n");
        Scalar(yaml, 1, "maxRedirects", Number(options.Routing.MaxRedirects));
        Scalar(yaml, 1, "tryAgainDelay", Duration(options.Routing.TryAgainDelay));
        List(yaml, 1, "disabledCommands", options.Routing.DisabledCommands);
        List(yaml, 1, "customCommands", options.Routing.CustomCommands);
        Scalar(yaml, 1, "readFrom", options.Routing.ReadFrom);
        Scalar(yaml, 1, "failoverWait", Duration(options.Routing.FailoverWait));
        Scalar(yaml, 1, "allowDebug", options.Routing.AllowDebug ? "true" : "false");

        var limits = options.Limits;
        yaml.Append("limits:\n");
        Scalar(yaml, 1, "maxBulkLength", ConfigValueParser.FormatSize(limits.MaxBulkLength));
        Scalar(yaml, 1, "maxArguments", Number(limits.MaxArguments));
        Scalar(yaml, 1, "maxInlineLength", ConfigValueParser.FormatSize(limits.MaxInlineLength));
        Scalar(yaml, 1, "maxPendingCommandsPerClient", Number(limits.MaxPendingCommandsPerClient));
        Scalar(yaml, 1, "maxBlockedClients", Number(limits.MaxBlockedClients));
        Scalar(yaml, 1, "maxClients", Number(limits.MaxClients));
        Scalar(yaml, 1, "clientIdleTimeout", Duration(limits.ClientIdleTimeout));
        Scalar(yaml, 1, "maxClientsPerAddress", Number(limits.MaxClientsPerAddress));
        Scalar(yaml, 1, "pubsubOutputBufferLimit", ConfigValueParser.FormatSize(limits.PubSubOutputBufferLimit));
        Scalar(yaml, 1, "maxPendingBytesPerClient", ConfigValueParser.FormatSize(limits.MaxPendingBytesPerClient));
        Scalar(yaml, 1, "maxPendingBytes", ConfigValueParser.FormatSize(limits.MaxPendingBytes));
        Scalar(yaml, 1, "trackingTableMaxKeys", Number(limits.TrackingTableMaxKeys));

        yaml.Append("shutdown:\n");
        Scalar(yaml, 1, "drainTimeout", Duration(options.Shutdown.DrainTimeout));
        Scalar(yaml, 1, "drainDelay", Duration(options.Shutdown.DrainDelay));

        yaml.Append("io:\n");
        Scalar(yaml, 1, "transport", options.Io.Transport);
        Scalar(yaml, 1, "eventLoops", Number(options.Io.EventLoops));

        var auth = options.Auth;
        yaml.Append("auth:\n");
        if (auth.Users.Count == 0)
        {
            yaml.Append("  users: []\n");
        }
        else
        {
            yaml.Append("  users:\n");
            foreach (var user in auth.Users)
            {
                yaml.Append("    - name: ").Append(Quote(user.Name)).Append('\n');
                // Passwords and their digests are secrets: only how many there are is shown.
                List(yaml, 3, "passwords", [.. user.Passwords.Select(_ => SlotgateConfiguration.SecretMask)]);
                List(yaml, 3, "passwordFiles", user.PasswordFiles);
                List(yaml, 3, "passwordHashes", [.. user.PasswordHashes.Select(_ => SlotgateConfiguration.SecretMask)]);
                Scalar(yaml, 3, "noPass", user.NoPass ? "true" : "false");
                Scalar(yaml, 3, "rules", user.Rules is null ? null : Quote(user.Rules));
                List(yaml, 3, "identities", user.Identities);
            }
        }
        Scalar(yaml, 1, "allowPing", auth.AllowPing ? "true" : "false");
        Scalar(yaml, 1, "timeout", Duration(auth.Timeout));
        Scalar(yaml, 1, "maxFailuresPerMinute", Number(auth.MaxFailuresPerMinute));

        yaml.Append("logging:\n");
        Scalar(yaml, 1, "logLevel", Quote(options.Logging.LogLevel));
        Scalar(yaml, 1, "json", options.Logging.Json ? "true" : "false");

        var admin = options.Admin;
        yaml.Append("admin:\n");
        Scalar(yaml, 1, "listen", Quote(admin.Enabled ? admin.Listen : "off"));
        Scalar(yaml, 1, "username", admin.Username is null ? null : Quote(admin.Username));
        Scalar(yaml, 1, "password", admin.Password is null ? null : Quote(SlotgateConfiguration.SecretMask));
        Scalar(yaml, 1, "token", admin.Token is null ? null : Quote(SlotgateConfiguration.SecretMask));

        var diagnostics = options.Diagnostics;
        yaml.Append("diagnostics:\n");
        Scalar(yaml, 1, "slowlogThreshold", Duration(diagnostics.SlowlogThreshold));
        Scalar(yaml, 1, "slowlogMaxLength", Number(diagnostics.SlowlogMaxLength));
        Scalar(yaml, 1, "accessLog", diagnostics.AccessLog ? "true" : "false");
        Scalar(yaml, 1, "accessLogSampleRate", diagnostics.AccessLogSampleRate.ToString("R", CultureInfo.InvariantCulture));
        Scalar(yaml, 1, "accessLogArguments", diagnostics.AccessLogArguments ? "true" : "false");
        Scalar(yaml, 1, "otlpEndpoint", diagnostics.OtlpEndpoint is null ? null : Quote(diagnostics.OtlpEndpoint));
        Scalar(yaml, 1, "otlpInterval", Duration(diagnostics.OtlpInterval));
        List(yaml, 1, "identities", diagnostics.Identities);

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

    private static string? Path(string? value) => value is null ? null : Quote(value);

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
