using Slotgate.Commands;
using System.Globalization;

namespace Slotgate.Configuration;

/// <summary>
/// Checks a <see cref="SlotgateOptions"/> and returns every problem at once, each prefixed with the option's path, so an
/// operator fixes a config in one pass rather than one restart per mistake.
/// </summary>
internal static partial class OptionsValidator
{
    public static IReadOnlyList<string> Validate(SlotgateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        // A TLS-only proxy (listen: [] with tls.listen set) is allowed, as Redis allows port 0 beside a tls-port; so is
        // one with only PROXY protocol listeners.
        if (options.Listen.Count > 0 || (!options.Tls.Enabled && !options.ProxyProtocol.Enabled))
        {
            ValidateListen(options.Listen, errors);
        }
        TlsOptionsValidator.ValidateListener(options.Tls, options.Listen, errors);
        // A proxy whose catch-all route sends every key to a named upstream (a twemproxy-style ring) may run without a
        // main cluster; keyless commands then get CLUSTERDOWN.
        ValidateCluster(options.Cluster, errors, seedsRequired: options.Routes.CatchAll?.Upstream is null or UpstreamOptions.DefaultName);
        TlsOptionsValidator.ValidateCluster(options.Cluster, errors);
        ValidateBackend(options.Backend, errors);
        ValidateRouting(options.Routing, errors);
        ValidateLimits(options.Limits, errors);
        UserDirectoryBuilder.Build(options.Auth, CommandTable.BuiltIn, errors);
        NotNegative(options.Shutdown.DrainTimeout, "shutdown.drainTimeout", errors);
        ValidateProxyProtocol(options, errors);
        if (!IoOptions.Transports.Contains(options.Io.Transport))
        {
            errors.Add($"io.transport: must be one of {string.Join(", ", IoOptions.Transports)}, got '{options.Io.Transport}'");
        }
        if (options.Io.EventLoops is < 0 or > 256)
        {
            errors.Add($"io.eventLoops: must be between 0 (one per two cores) and 256, got {options.Io.EventLoops}");
        }
        ValidateLogging(options.Logging, errors);
        ValidateAdmin(options.Admin, options.Listen, errors);
        ValidateDiagnostics(options.Diagnostics, errors);
        ValidateFaults(options.Faults, errors);
        ValidateUpstreams(options, errors);
        return errors;
    }

    private static void ValidateListen(IReadOnlyList<string> listen, List<string> errors)
    {
        if (listen.Count == 0)
        {
            errors.Add("listen: at least one address is required (--listen host:port)");
            return;
        }

        var seen = new HashSet<HostPort>();
        for (var i = 0; i < listen.Count; i++)
        {
            if (!HostPort.TryParse(listen[i], out var endpoint, out var error))
            {
                errors.Add($"listen[{i}]: '{listen[i]}' {error}");
            }
            else if (!seen.Add(endpoint))
            {
                errors.Add($"listen[{i}]: '{listen[i]}' is listed twice");
            }
        }
    }

    private static void ValidateCluster(ClusterOptions cluster, List<string> errors, bool seedsRequired)
    {
        if (cluster.Seeds.Count == 0 && seedsRequired)
        {
            errors.Add("cluster.seeds: at least one seed is required (--seed host:port)");
        }

        for (var i = 0; i < cluster.Seeds.Count; i++)
        {
            if (!HostPort.TryParse(cluster.Seeds[i], out var seed, out var error))
            {
                errors.Add($"cluster.seeds[{i}]: '{cluster.Seeds[i]}' {error}");
            }
            else if (seed.Port == 0)
            {
                errors.Add($"cluster.seeds[{i}]: '{cluster.Seeds[i]}' has port 0, which no Redis node listens on");
            }
        }

        Positive(cluster.RefreshInterval, "cluster.refreshInterval", errors);
        NotNegative(cluster.RefreshMinInterval, "cluster.refreshMinInterval", errors);
        if (cluster.RefreshMinInterval > cluster.RefreshInterval && cluster.RefreshInterval > TimeSpan.Zero)
        {
            errors.Add(
                $"cluster.refreshMinInterval: must not exceed cluster.refreshInterval ({Format(cluster.RefreshInterval)}), " +
                $"got {Format(cluster.RefreshMinInterval)}");
        }

        // AUTH with a username needs a password (Redis 6 ACL form AUTH <username> <password>); a username alone would
        // fail every connection at handshake time, far from the config that caused it.
        if ((cluster.Username ?? cluster.UsernameFile) is not null && (cluster.Password ?? cluster.PasswordFile) is null)
        {
            errors.Add("cluster.password: required when cluster.username is set");
        }
    }

    private static void ValidateBackend(BackendOptions backend, List<string> errors)
    {
        AtLeastOne(backend.MaxReconnectsPerSecond, "backend.maxReconnectsPerSecond", errors);
        if (backend.ConnectionsPerNode is < BackendOptions.MinConnectionsPerNode or > BackendOptions.MaxConnectionsPerNode)
        {
            errors.Add(
                $"backend.connectionsPerNode: must be between {BackendOptions.MinConnectionsPerNode} and " +
                $"{BackendOptions.MaxConnectionsPerNode}, got {backend.ConnectionsPerNode}");
        }

        Positive(backend.ConnectTimeout, "backend.connectTimeout", errors);
        Positive(backend.OperationTimeout, "backend.operationTimeout", errors);
        Positive(backend.ReconnectBackoffMin, "backend.reconnectBackoffMin", errors);
        if (backend.ReconnectBackoffMax < backend.ReconnectBackoffMin)
        {
            errors.Add(
                $"backend.reconnectBackoffMax: must be at least backend.reconnectBackoffMin ({Format(backend.ReconnectBackoffMin)}), " +
                $"got {Format(backend.ReconnectBackoffMax)}");
        }
    }

    private static void ValidateRouting(RoutingOptions routing, List<string> errors)
    {
        if (!RoutingOptions.ReadPolicies.Contains(routing.ReadFrom))
        {
            errors.Add($"routing.readFrom: must be one of {string.Join(", ", RoutingOptions.ReadPolicies)}, got '{routing.ReadFrom}'");
        }
        for (int i = 0; i < routing.DisabledCommands.Count; i++)
        {
            string name = routing.DisabledCommands[i];
            if (string.IsNullOrWhiteSpace(name) || CommandTable.BuiltIn.Find(name.Trim().Replace(' ', '|')) is null)
            {
                errors.Add($"routing.disabledCommands[{i}]: '{name}' is not a Redis command");
            }
        }
        if (routing.MaxRedirects is < 0 or > RoutingOptions.MaxMaxRedirects)
        {
            errors.Add($"routing.maxRedirects: must be between 0 and {RoutingOptions.MaxMaxRedirects}, got {routing.MaxRedirects}");
        }

        NotNegative(routing.TryAgainDelay, "routing.tryAgainDelay", errors);
        ValidateCustomCommands(routing.CustomCommands, errors);
    }

    private static void ValidateLimits(LimitsOptions limits, List<string> errors)
    {
        AtLeastOne(limits.MaxBulkLength, "limits.maxBulkLength", errors);
        AtLeastOne(limits.MaxArguments, "limits.maxArguments", errors);
        AtLeastOne(limits.MaxInlineLength, "limits.maxInlineLength", errors);
        AtLeastOne(limits.MaxPendingCommandsPerClient, "limits.maxPendingCommandsPerClient", errors);
        AtLeastOne(limits.MaxBlockedClients, "limits.maxBlockedClients", errors);
        AtLeastOne(limits.MaxClients, "limits.maxClients", errors);
        NotNegative(limits.ClientIdleTimeout, "limits.clientIdleTimeout", errors);
        if (limits.MaxClientsPerAddress < 0)
        {
            errors.Add($"limits.maxClientsPerAddress: must not be negative, got {limits.MaxClientsPerAddress.ToString(CultureInfo.InvariantCulture)}");
        }
        AtLeastOne(limits.MaxPendingBytesPerClient, "limits.maxPendingBytesPerClient", errors);
        AtLeastOne(limits.MaxPendingBytes, "limits.maxPendingBytes", errors);
        if (limits.PubSubOutputBufferLimit < 0)
        {
            errors.Add($"limits.pubsubOutputBufferLimit: must not be negative, got {limits.PubSubOutputBufferLimit.ToString(CultureInfo.InvariantCulture)}");
        }
        if (limits.TrackingTableMaxKeys < 0)
        {
            errors.Add($"limits.trackingTableMaxKeys: must not be negative, got {limits.TrackingTableMaxKeys.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private static void ValidateLogging(LoggingOptions logging, List<string> errors)
    {
        if (!LoggingOptions.Levels.Contains(logging.LogLevel, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add($"logging.logLevel: '{logging.LogLevel}' is not one of {string.Join(", ", LoggingOptions.Levels)}");
        }
    }

    private static void ValidateAdmin(AdminOptions admin, IReadOnlyList<string> listen, List<string> errors)
    {
        if (admin.Enabled)
        {
            if (!HostPort.TryParse(admin.Listen, out var endpoint, out var error))
            {
                errors.Add($"admin.listen: '{admin.Listen}' {error} (or 'off' to disable)");
            }
            else if (endpoint.Port != 0 && listen.Any(l => HostPort.TryParse(l, out var resp, out _) && resp.Equals(endpoint)))
            {
                errors.Add($"admin.listen: '{admin.Listen}' is also a RESP listen address");
            }
        }

        if ((admin.Username is null) != (admin.Password is null))
        {
            errors.Add("admin.password: admin.username and admin.password go together");
        }
    }

    private static void ValidateDiagnostics(DiagnosticsOptions diagnostics, List<string> errors)
    {
        NotNegative(diagnostics.SlowlogThreshold, "diagnostics.slowlogThreshold", errors);
        if (diagnostics.SlowlogMaxLength < 0)
        {
            errors.Add($"diagnostics.slowlogMaxLength: must not be negative, got {diagnostics.SlowlogMaxLength.ToString(CultureInfo.InvariantCulture)}");
        }

        if (diagnostics.OtlpEndpoint is { } otlp && (diagnostics.OtlpMetricsUri is not { } uri || (uri.Scheme != "http" && uri.Scheme != "https")))
        {
            errors.Add($"diagnostics.otlpEndpoint: '{otlp}' is not an http:// or https:// URL");
        }

        if (diagnostics.OtlpInterval < TimeSpan.FromMilliseconds(100))
        {
            errors.Add($"diagnostics.otlpInterval: must be at least 100ms, got {Format(diagnostics.OtlpInterval)}");
        }

        if (diagnostics.AccessLogSampleRate is < 0 or > 1 || double.IsNaN(diagnostics.AccessLogSampleRate))
        {
            errors.Add($"diagnostics.accessLogSampleRate: must be between 0 and 1, got {diagnostics.AccessLogSampleRate.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private static void Positive(TimeSpan value, string path, List<string> errors)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{path}: must be greater than 0, got {Format(value)}");
        }
    }

    private static void NotNegative(TimeSpan value, string path, List<string> errors)
    {
        if (value < TimeSpan.Zero)
        {
            errors.Add($"{path}: must not be negative, got {Format(value)}");
        }
    }

    private static void AtLeastOne(long value, string path, List<string> errors)
    {
        if (value < 1)
        {
            errors.Add($"{path}: must be at least 1, got {value.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private static string Format(TimeSpan value) => ConfigValueParser.FormatDuration(value);
}
