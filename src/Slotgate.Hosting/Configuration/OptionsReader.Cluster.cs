using Microsoft.Extensions.Configuration;

namespace Slotgate.Configuration;

/// <summary>The backend side: the <c>cluster</c> section (seeds, credentials, TLS to the nodes), <c>backend</c> and <c>routing</c>.</summary>
internal sealed partial class OptionsReader
{
    private static readonly string[] ClusterKeys =
        ["seeds", "refreshInterval", "refreshMinInterval", "username", "password", "usernameFile", "passwordFile", "fileReloadInterval", "tls"];
    private static readonly string[] ClusterTlsKeys = ["enabled", "caFile", "serverName", "insecureSkipVerify", "certFile", "keyFile"];
    private static readonly string[] BackendKeys =
        ["connectionsPerNode", "connectTimeout", "operationTimeout", "reconnectBackoffMin", "reconnectBackoffMax", "maxReconnectsPerSecond"];
    private static readonly string[] RoutingKeys = ["maxRedirects", "tryAgainDelay", "disabledCommands", "readFrom", "failoverWait", "customCommands", "allowDebug"];

    private ClusterOptions ReadCluster(IConfigurationSection section, string path) =>
        ReadSection(section, path, ClusterKeys, new ClusterOptions(), (o, name, child, childPath) => name switch
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
            _ => null,
        });

    private ClusterTlsOptions ReadClusterTls(IConfigurationSection section, string path) =>
        ReadSection(section, path, ClusterTlsKeys, new ClusterTlsOptions(), (o, name, child, childPath) => name switch
        {
            "enabled" => o with { Enabled = ReadBool(child, childPath, o.Enabled) },
            "caFile" => o with { CaFile = ReadScalar(child, childPath) },
            "serverName" => o with { ServerName = ReadScalar(child, childPath) },
            "insecureSkipVerify" => o with { InsecureSkipVerify = ReadBool(child, childPath, o.InsecureSkipVerify) },
            "certFile" => o with { CertFile = ReadScalar(child, childPath) },
            "keyFile" => o with { KeyFile = ReadScalar(child, childPath) },
            _ => null,
        });

    private BackendOptions ReadBackend(IConfigurationSection section, string path) =>
        ReadSection(section, path, BackendKeys, new BackendOptions(), (o, name, child, childPath) => name switch
        {
            "connectionsPerNode" => o with { ConnectionsPerNode = ReadScalar(child, childPath) is null ? o.ConnectionsPerNode : ReadInt(child, childPath, 0) },
            "connectTimeout" => o with { ConnectTimeout = ReadDuration(child, childPath, o.ConnectTimeout) },
            "operationTimeout" => o with { OperationTimeout = ReadDuration(child, childPath, o.OperationTimeout) },
            "reconnectBackoffMin" => o with { ReconnectBackoffMin = ReadDuration(child, childPath, o.ReconnectBackoffMin) },
            "reconnectBackoffMax" => o with { ReconnectBackoffMax = ReadDuration(child, childPath, o.ReconnectBackoffMax) },
            "maxReconnectsPerSecond" => o with { MaxReconnectsPerSecond = ReadInt(child, childPath, o.MaxReconnectsPerSecond) },
            _ => null,
        });

    private RoutingOptions ReadRouting(IConfigurationSection section, string path) =>
        ReadSection(section, path, RoutingKeys, new RoutingOptions(), (o, name, child, childPath) => name switch
        {
            "maxRedirects" => o with { MaxRedirects = ReadInt(child, childPath, o.MaxRedirects) },
            "disabledCommands" => o with { DisabledCommands = ReadList(child, childPath) },
            "customCommands" => o with { CustomCommands = ReadList(child, childPath) },
            "allowDebug" => o with { AllowDebug = ReadBool(child, childPath, o.AllowDebug) },
            "failoverWait" => o with { FailoverWait = ReadDuration(child, childPath, o.FailoverWait) },
            "readFrom" => o with { ReadFrom = child.Value?.Trim().ToLowerInvariant() ?? o.ReadFrom },
            "tryAgainDelay" => o with { TryAgainDelay = ReadDuration(child, childPath, o.TryAgainDelay) },
            _ => null,
        });
}
