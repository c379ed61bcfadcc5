using System.Globalization;
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
    private static readonly string[] AuthKeys = ["users", "allowPing", "timeout", "maxFailuresPerMinute"];
    private static readonly string[] UserKeys = ["name", "passwords", "passwordFiles", "passwordHashes", "noPass", "rules", "identities"];
    private static readonly string[] ClusterKeys =
        ["seeds", "refreshInterval", "refreshMinInterval", "username", "password", "usernameFile", "passwordFile", "fileReloadInterval", "tls"];
    private static readonly string[] TlsKeys = ["listen", "certFile", "keyFile", "clientCaFile", "clientCertificates", "reloadInterval"];
    private static readonly string[] ClusterTlsKeys = ["enabled", "caFile", "serverName", "insecureSkipVerify", "certFile", "keyFile"];
    private static readonly string[] BackendKeys =
        ["connectionsPerNode", "connectTimeout", "operationTimeout", "reconnectBackoffMin", "reconnectBackoffMax", "maxReconnectsPerSecond"];
    private static readonly string[] RoutingKeys = ["maxRedirects", "tryAgainDelay", "disabledCommands", "readFrom", "failoverWait", "customCommands"];
    private static readonly string[] LimitsKeys = ["maxBulkLength", "maxArguments", "maxInlineLength", "maxPendingCommandsPerClient", "maxBlockedClients",
        "maxClients", "clientIdleTimeout", "maxClientsPerAddress", "pubsubOutputBufferLimit",
        "maxPendingBytesPerClient", "maxPendingBytes"];
    private static readonly string[] ShutdownKeys = ["drainTimeout", "drainDelay"];
    private static readonly string[] ProxyProtocolKeys = ["listen", "trustedProxies", "headerTimeout"];
    private static readonly string[] IoKeys = ["transport", "eventLoops"];
    private static readonly string[] LoggingKeys = ["logLevel", "json"];
    private static readonly string[] AdminKeys = ["listen", "username", "password", "token"];
    private static readonly string[] DiagnosticsKeys =
        ["slowlogThreshold", "slowlogMaxLength", "accessLog", "accessLogSampleRate", "accessLogArguments", "otlpEndpoint", "otlpInterval", "identities"];

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

    private ClusterOptions ReadCluster(IConfigurationSection section, string path)
    {
        var o = new ClusterOptions();
        foreach (var child in Children(section, path))
        {
            var name = Canonical(child.Key, ClusterKeys);
            var childPath = path + "." + name;
            o = name switch
            {
                "seeds" => o with { Seeds = ReadList(child, childPath) },
                "refreshInterval" => o with { RefreshInterval = ReadDuration(child, childPath, o.RefreshInterval) },
                "refreshMinInterval" => o with { RefreshMinInterval = ReadDuration(child, childPath, o.RefreshMinInterval) },
                "username" => o with { Username = ReadString(child, childPath) },
                "password" => o with { Password = ReadString(child, childPath) },
                "usernameFile" => o with { UsernameFile = ReadScalar(child, childPath) },
                "passwordFile" => o with { PasswordFile = ReadScalar(child, childPath) },
                "fileReloadInterval" => o with { FileReloadInterval = ReadDuration(child, childPath, o.FileReloadInterval) },
                "tls" => o with { Tls = ReadClusterTls(child, childPath) },
                _ => Unknown(o, child, path, ClusterKeys),
            };
        }

        return o;
    }

    private TlsOptions ReadTls(IConfigurationSection section, string path)
    {
        var o = new TlsOptions();
        foreach (var child in Children(section, path))
        {
            var name = Canonical(child.Key, TlsKeys);
            var childPath = path + "." + name;
            o = name switch
            {
                "listen" => o with { Listen = ReadList(child, childPath) },
                "certFile" => o with { CertFile = ReadScalar(child, childPath) },
                "keyFile" => o with { KeyFile = ReadScalar(child, childPath) },
                "clientCaFile" => o with { ClientCaFile = ReadScalar(child, childPath) },
                "clientCertificates" => o with { ClientCertificates = ReadScalar(child, childPath)?.ToLowerInvariant() ?? o.ClientCertificates },
                "reloadInterval" => o with { ReloadInterval = ReadDuration(child, childPath, o.ReloadInterval) },
                _ => Unknown(o, child, path, TlsKeys),
            };
        }

        return o;
    }

    private ProxyProtocolOptions ReadProxyProtocol(IConfigurationSection section, string path)
    {
        var o = new ProxyProtocolOptions();
        foreach (var child in Children(section, path))
        {
            var name = Canonical(child.Key, ProxyProtocolKeys);
            var childPath = path + "." + name;
            o = name switch
            {
                "listen" => o with { Listen = ReadList(child, childPath) },
                "trustedProxies" => o with { TrustedProxies = ReadList(child, childPath) },
                "headerTimeout" => o with { HeaderTimeout = ReadDuration(child, childPath, o.HeaderTimeout) },
                _ => Unknown(o, child, path, ProxyProtocolKeys),
            };
        }

        return o;
    }

    private ClusterTlsOptions ReadClusterTls(IConfigurationSection section, string path)
    {
        var o = new ClusterTlsOptions();
        foreach (var child in Children(section, path))
        {
            var name = Canonical(child.Key, ClusterTlsKeys);
            var childPath = path + "." + name;
            o = name switch
            {
                "enabled" => o with { Enabled = ReadBool(child, childPath, o.Enabled) },
                "caFile" => o with { CaFile = ReadScalar(child, childPath) },
                "serverName" => o with { ServerName = ReadScalar(child, childPath) },
                "insecureSkipVerify" => o with { InsecureSkipVerify = ReadBool(child, childPath, o.InsecureSkipVerify) },
                "certFile" => o with { CertFile = ReadScalar(child, childPath) },
                "keyFile" => o with { KeyFile = ReadScalar(child, childPath) },
                _ => Unknown(o, child, path, ClusterTlsKeys),
            };
        }

        return o;
    }

    private BackendOptions ReadBackend(IConfigurationSection section, string path)
    {
        var o = new BackendOptions();
        foreach (var child in Children(section, path))
        {
            var name = Canonical(child.Key, BackendKeys);
            var childPath = path + "." + name;
            o = name switch
            {
                "connectionsPerNode" => o with { ConnectionsPerNode = ReadScalar(child, childPath) is null ? o.ConnectionsPerNode : ReadInt(child, childPath, 0) },
                "connectTimeout" => o with { ConnectTimeout = ReadDuration(child, childPath, o.ConnectTimeout) },
                "operationTimeout" => o with { OperationTimeout = ReadDuration(child, childPath, o.OperationTimeout) },
                "reconnectBackoffMin" => o with { ReconnectBackoffMin = ReadDuration(child, childPath, o.ReconnectBackoffMin) },
                "reconnectBackoffMax" => o with { ReconnectBackoffMax = ReadDuration(child, childPath, o.ReconnectBackoffMax) },
                "maxReconnectsPerSecond" => o with { MaxReconnectsPerSecond = ReadInt(child, childPath, o.MaxReconnectsPerSecond) },
                _ => Unknown(o, child, path, BackendKeys),
            };
        }

        return o;
    }

    private RoutingOptions ReadRouting(IConfigurationSection section, string path)
    {
        var o = new RoutingOptions();
        foreach (var child in Children(section, path))
        {
            var name = Canonical(child.Key, RoutingKeys);
            var childPath = path + "." + name;
            o = name switch
            {
                "maxRedirects" => o with { MaxRedirects = ReadInt(child, childPath, o.MaxRedirects) },
                "disabledCommands" => o with { DisabledCommands = ReadList(child, childPath) },
                "customCommands" => o with { CustomCommands = ReadList(child, childPath) },
                "failoverWait" => o with { FailoverWait = ReadDuration(child, childPath, o.FailoverWait) },
                "readFrom" => o with { ReadFrom = child.Value?.Trim().ToLowerInvariant() ?? o.ReadFrom },
                "tryAgainDelay" => o with { TryAgainDelay = ReadDuration(child, childPath, o.TryAgainDelay) },
                _ => Unknown(o, child, path, RoutingKeys),
            };
        }

        return o;
    }

    private LimitsOptions ReadLimits(IConfigurationSection section, string path)
    {
        var o = new LimitsOptions();
        foreach (var child in Children(section, path))
        {
            var name = Canonical(child.Key, LimitsKeys);
            var childPath = path + "." + name;
            o = name switch
            {
                "maxBulkLength" => o with { MaxBulkLength = ReadSize(child, childPath, o.MaxBulkLength) },
                "maxArguments" => o with { MaxArguments = ReadInt(child, childPath, o.MaxArguments) },
                "maxInlineLength" => o with { MaxInlineLength = ReadIntSize(child, childPath, o.MaxInlineLength) },
                "maxPendingCommandsPerClient" => o with { MaxPendingCommandsPerClient = ReadInt(child, childPath, o.MaxPendingCommandsPerClient) },
                "maxBlockedClients" => o with { MaxBlockedClients = ReadInt(child, childPath, o.MaxBlockedClients) },
                "maxClients" => o with { MaxClients = ReadInt(child, childPath, o.MaxClients) },
                "clientIdleTimeout" => o with { ClientIdleTimeout = ReadDuration(child, childPath, o.ClientIdleTimeout) },
                "maxClientsPerAddress" => o with { MaxClientsPerAddress = ReadInt(child, childPath, o.MaxClientsPerAddress) },
                "pubsubOutputBufferLimit" => o with { PubSubOutputBufferLimit = ReadSize(child, childPath, o.PubSubOutputBufferLimit) },
                "maxPendingBytesPerClient" => o with { MaxPendingBytesPerClient = ReadSize(child, childPath, o.MaxPendingBytesPerClient) },
                "maxPendingBytes" => o with { MaxPendingBytes = ReadSize(child, childPath, o.MaxPendingBytes) },
                _ => Unknown(o, child, path, LimitsKeys),
            };
        }

        return o;
    }

    private ShutdownOptions ReadShutdown(IConfigurationSection section, string path)
    {
        var o = new ShutdownOptions();
        foreach (var child in Children(section, path))
        {
            var name = Canonical(child.Key, ShutdownKeys);
            var childPath = path + "." + name;
            o = name switch
            {
                "drainTimeout" => o with { DrainTimeout = ReadDuration(child, childPath, o.DrainTimeout) },
                "drainDelay" => o with { DrainDelay = ReadDuration(child, childPath, o.DrainDelay) },
                _ => Unknown(o, child, path, ShutdownKeys),
            };
        }

        return o;
    }

    private IoOptions ReadIo(IConfigurationSection section, string path)
    {
        var o = new IoOptions();
        foreach (var child in Children(section, path))
        {
            var name = Canonical(child.Key, IoKeys);
            var childPath = path + "." + name;
            o = name switch
            {
                "transport" => o with { Transport = (ReadString(child, childPath) ?? o.Transport).Trim().ToLowerInvariant() },
                "eventLoops" => o with { EventLoops = ReadInt(child, childPath, o.EventLoops) },
                _ => Unknown(o, child, path, IoKeys),
            };
        }

        return o;
    }

    private AuthOptions ReadAuth(IConfigurationSection section, string path)
    {
        var o = new AuthOptions();
        foreach (var child in Children(section, path))
        {
            var name = Canonical(child.Key, AuthKeys);
            var childPath = path + "." + name;
            o = name switch
            {
                "users" => o with { Users = ReadUsers(child, childPath) },
                "allowPing" => o with { AllowPing = ReadBool(child, childPath, o.AllowPing) },
                "timeout" => o with { Timeout = ReadDuration(child, childPath, o.Timeout) },
                "maxFailuresPerMinute" => o with { MaxFailuresPerMinute = ReadInt(child, childPath, o.MaxFailuresPerMinute) },
                _ => Unknown(o, child, path, AuthKeys),
            };
        }

        return o;
    }

    /// <summary>A list of user sections (YAML sequence, or <c>SLOTGATE_AUTH__USERS__0__NAME</c> variables), in index order.</summary>
    private IReadOnlyList<UserOptions> ReadUsers(IConfigurationSection section, string path)
    {
        var users = new List<(int Index, UserOptions User)>();
        foreach (var item in Children(section, path))
        {
            if (!int.TryParse(item.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                _errors.Add($"{path}: expected a list, found the key '{item.Key}'{From(item)}");
                continue;
            }

            var itemPath = $"{path}[{item.Key}]";
            var user = new UserOptions();
            foreach (var child in Children(item, itemPath))
            {
                var name = Canonical(child.Key, UserKeys);
                var childPath = itemPath + "." + name;
                user = name switch
                {
                    "name" => user with { Name = ReadString(child, childPath) ?? string.Empty },
                    "passwords" => user with { Passwords = ReadList(child, childPath, split: false) },
                    "passwordFiles" => user with { PasswordFiles = ReadList(child, childPath) },
                    "passwordHashes" => user with { PasswordHashes = ReadList(child, childPath) },
                    "noPass" => user with { NoPass = ReadBool(child, childPath, user.NoPass) },
                    "rules" => user with { Rules = ReadScalar(child, childPath) },
                    "identities" => user with { Identities = ReadList(child, childPath) },
                    _ => Unknown(user, child, itemPath, UserKeys),
                };
            }

            users.Add((index, user));
        }

        return [.. users.OrderBy(u => u.Index).Select(u => u.User)];
    }

    private LoggingOptions ReadLogging(IConfigurationSection section, string path)
    {
        var o = new LoggingOptions();
        foreach (var child in Children(section, path))
        {
            var name = Canonical(child.Key, LoggingKeys);
            var childPath = path + "." + name;
            o = name switch
            {
                "logLevel" => o with { LogLevel = ReadLogLevel(child, childPath, o.LogLevel) },
                "json" => o with { Json = ReadBool(child, childPath, o.Json) },
                _ => Unknown(o, child, path, LoggingKeys),
            };
        }

        return o;
    }

    private AdminOptions ReadAdmin(IConfigurationSection section, string path)
    {
        var o = new AdminOptions();
        foreach (var child in Children(section, path))
        {
            var name = Canonical(child.Key, AdminKeys);
            var childPath = path + "." + name;
            o = name switch
            {
                // An empty value turns the endpoint off (unlike other keys, where empty means "the default").
                "listen" => o with { Listen = child.GetChildren().Any() ? o.Listen : child.Value?.Trim() ?? string.Empty },
                "username" => o with { Username = ReadString(child, childPath) },
                "password" => o with { Password = ReadString(child, childPath) },
                "token" => o with { Token = ReadString(child, childPath) },
                _ => Unknown(o, child, path, AdminKeys),
            };
        }

        return o;
    }

    private DiagnosticsOptions ReadDiagnostics(IConfigurationSection section, string path)
    {
        var o = new DiagnosticsOptions();
        foreach (var child in Children(section, path))
        {
            var name = Canonical(child.Key, DiagnosticsKeys);
            var childPath = path + "." + name;
            o = name switch
            {
                "slowlogThreshold" => o with { SlowlogThreshold = ReadDuration(child, childPath, o.SlowlogThreshold) },
                "slowlogMaxLength" => o with { SlowlogMaxLength = ReadInt(child, childPath, o.SlowlogMaxLength) },
                "accessLog" => o with { AccessLog = ReadBool(child, childPath, o.AccessLog) },
                "accessLogSampleRate" => o with { AccessLogSampleRate = ReadFraction(child, childPath, o.AccessLogSampleRate) },
                "accessLogArguments" => o with { AccessLogArguments = ReadBool(child, childPath, o.AccessLogArguments) },
                "otlpEndpoint" => o with { OtlpEndpoint = ReadScalar(child, childPath) },
                "otlpInterval" => o with { OtlpInterval = ReadDuration(child, childPath, o.OtlpInterval) },
                "identities" => o with { Identities = ReadList(child, childPath) },
                _ => Unknown(o, child, path, DiagnosticsKeys),
            };
        }

        return o;
    }

    private double ReadFraction(IConfigurationSection section, string path, double fallback)
    {
        var text = ReadScalar(section, path);
        if (text is null)
        {
            return fallback;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        _errors.Add($"{path}: '{text}' is not a number{From(section)}");
        return fallback;
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

    /// <summary>
    /// A list from indexed children (YAML sequences, <c>__0</c> variables) and/or a comma-separated value
    /// (<c>SLOTGATE_SEEDS=a:1,b:2</c>, <c>seeds: "a:1,b:2"</c>).
    /// </summary>
    /// <param name="split">False for passwords: a comma may be part of one, so a plain value is a single item, untrimmed.</param>
    private IReadOnlyList<string> ReadList(IConfigurationSection section, string path, bool split = true)
    {
        var items = new List<string>();
        if (!split && !string.IsNullOrEmpty(section.Value))
        {
            items.Add(section.Value);
        }
        else if (!string.IsNullOrWhiteSpace(section.Value))
        {
            items.AddRange(section.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        }

        foreach (var child in section.GetChildren())
        {
            if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                _errors.Add($"{path}: expected a list, found the key '{child.Key}'{From(child)}");
            }
            else if (child.GetChildren().Any())
            {
                _errors.Add($"{path}[{child.Key}]: expected a value, got a section{From(child)}");
            }
            else if (!split && !string.IsNullOrEmpty(child.Value))
            {
                items.Add(child.Value);
            }
            else if (!string.IsNullOrWhiteSpace(child.Value))
            {
                items.Add(child.Value.Trim());
            }
        }

        return items;
    }

    /// <summary>A scalar's text, or null when it is unset or empty (an empty value means "use the default").</summary>
    private string? ReadScalar(IConfigurationSection section, string path)
    {
        if (section.GetChildren().Any())
        {
            _errors.Add($"{path}: expected a value, got a section{From(section)}");
            return null;
        }

        return string.IsNullOrWhiteSpace(section.Value) ? null : section.Value.Trim();
    }

    private string? ReadString(IConfigurationSection section, string path)
    {
        if (section.GetChildren().Any())
        {
            _errors.Add($"{path}: expected a value, got a section{From(section)}");
            return null;
        }

        // Not trimmed: leading or trailing spaces could be part of a password.
        return string.IsNullOrEmpty(section.Value) ? null : section.Value;
    }

    private TimeSpan ReadDuration(IConfigurationSection section, string path, TimeSpan fallback)
    {
        var text = ReadScalar(section, path);
        if (text is null)
        {
            return fallback;
        }

        if (ConfigValueParser.TryParseDuration(text, out var value))
        {
            return value;
        }

        _errors.Add($"{path}: '{text}' is not a duration ({ConfigValueParser.DurationForms}){From(section)}");
        return fallback;
    }

    private int ReadInt(IConfigurationSection section, string path, int fallback)
    {
        var text = ReadScalar(section, path);
        if (text is null)
        {
            return fallback;
        }

        if (ConfigValueParser.TryParseInt(text, out var value))
        {
            return value;
        }

        _errors.Add($"{path}: '{text}' is not a whole number{From(section)}");
        return fallback;
    }

    private long ReadSize(IConfigurationSection section, string path, long fallback)
    {
        var text = ReadScalar(section, path);
        if (text is null)
        {
            return fallback;
        }

        if (ConfigValueParser.TryParseSize(text, out var value))
        {
            return value;
        }

        _errors.Add($"{path}: '{text}' is not a size in bytes ({ConfigValueParser.SizeForms}){From(section)}");
        return fallback;
    }

    private int ReadIntSize(IConfigurationSection section, string path, int fallback)
    {
        var before = _errors.Count;
        var value = ReadSize(section, path, fallback);
        if (value <= int.MaxValue || _errors.Count != before)
        {
            return (int)Math.Min(value, int.MaxValue);
        }

        _errors.Add($"{path}: must be at most {int.MaxValue} bytes (2gb - 1), got {value}{From(section)}");
        return fallback;
    }

    private bool ReadBool(IConfigurationSection section, string path, bool fallback)
    {
        var text = ReadScalar(section, path);
        if (text is null)
        {
            return fallback;
        }

        if (ConfigValueParser.TryParseBool(text, out var value))
        {
            return value;
        }

        _errors.Add($"{path}: '{text}' is not true or false{From(section)}");
        return fallback;
    }

    /// <summary>Normalises the casing of a known level; an unknown one is kept as typed for the validator to report.</summary>
    private string ReadLogLevel(IConfigurationSection section, string path, string fallback)
    {
        var text = ReadScalar(section, path);
        if (text is null)
        {
            return fallback;
        }

        return LoggingOptions.Levels.FirstOrDefault(l => l.Equals(text, StringComparison.OrdinalIgnoreCase)) ?? text;
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
