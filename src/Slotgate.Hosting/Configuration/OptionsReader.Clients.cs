using Microsoft.Extensions.Configuration;

namespace Slotgate.Configuration;

/// <summary>
/// The client side: <c>tls</c> and <c>proxyProtocol</c> listeners, the per-client and global <c>limits</c>,
/// <c>shutdown</c> draining and the <c>io</c> transport.
/// </summary>
internal sealed partial class OptionsReader
{
    private static readonly string[] TlsKeys = ["listen", "certFile", "keyFile", "clientCaFile", "clientCertificates", "reloadInterval"];
    private static readonly string[] ProxyProtocolKeys = ["listen", "trustedProxies", "headerTimeout"];
    private static readonly string[] LimitsKeys = ["maxBulkLength", "maxArguments", "maxInlineLength", "maxPendingCommandsPerClient", "maxBlockedClients",
        "maxClients", "clientIdleTimeout", "maxClientsPerAddress", "pubsubOutputBufferLimit",
        "maxPendingBytesPerClient", "maxPendingBytes", "trackingTableMaxKeys"];
    private static readonly string[] ShutdownKeys = ["drainTimeout", "drainDelay"];
    private static readonly string[] IoKeys = ["transport", "eventLoops"];

    private TlsOptions ReadTls(IConfigurationSection section, string path) =>
        ReadSection(section, path, TlsKeys, new TlsOptions(), (o, name, child, childPath) => name switch
        {
            "listen" => o with { Listen = ReadList(child, childPath) },
            "certFile" => o with { CertFile = ReadScalar(child, childPath) },
            "keyFile" => o with { KeyFile = ReadScalar(child, childPath) },
            "clientCaFile" => o with { ClientCaFile = ReadScalar(child, childPath) },
            "clientCertificates" => o with { ClientCertificates = ReadScalar(child, childPath)?.ToLowerInvariant() ?? o.ClientCertificates },
            "reloadInterval" => o with { ReloadInterval = ReadDuration(child, childPath, o.ReloadInterval) },
            _ => null,
        });

    private ProxyProtocolOptions ReadProxyProtocol(IConfigurationSection section, string path) =>
        ReadSection(section, path, ProxyProtocolKeys, new ProxyProtocolOptions(), (o, name, child, childPath) => name switch
        {
            "listen" => o with { Listen = ReadList(child, childPath) },
            "trustedProxies" => o with { TrustedProxies = ReadList(child, childPath) },
            "headerTimeout" => o with { HeaderTimeout = ReadDuration(child, childPath, o.HeaderTimeout) },
            _ => null,
        });

    private LimitsOptions ReadLimits(IConfigurationSection section, string path) =>
        ReadSection(section, path, LimitsKeys, new LimitsOptions(), (o, name, child, childPath) => name switch
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
            "trackingTableMaxKeys" => o with { TrackingTableMaxKeys = ReadInt(child, childPath, o.TrackingTableMaxKeys) },
            _ => null,
        });

    private ShutdownOptions ReadShutdown(IConfigurationSection section, string path) =>
        ReadSection(section, path, ShutdownKeys, new ShutdownOptions(), (o, name, child, childPath) => name switch
        {
            "drainTimeout" => o with { DrainTimeout = ReadDuration(child, childPath, o.DrainTimeout) },
            "drainDelay" => o with { DrainDelay = ReadDuration(child, childPath, o.DrainDelay) },
            _ => null,
        });

    private IoOptions ReadIo(IConfigurationSection section, string path) =>
        ReadSection(section, path, IoKeys, new IoOptions(), (o, name, child, childPath) => name switch
        {
            "transport" => o with { Transport = (ReadString(child, childPath) ?? o.Transport).Trim().ToLowerInvariant() },
            "eventLoops" => o with { EventLoops = ReadInt(child, childPath, o.EventLoops) },
            _ => null,
        });
}
