using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Slotgate.Backend;
using Slotgate.Cluster;
using Slotgate.Commands;
using Slotgate.Configuration;
using Slotgate.Diagnostics;
using Slotgate.Faults;
using Slotgate.Protocol;
using Slotgate.Proxy;
using Slotgate.Routing;
using Slotgate.Security;
using Slotgate.Transport;
using Slotgate.Upstreams;

namespace Slotgate.Hosting;

/// <summary>The proxy's object graph, in one place.</summary>
internal static class SlotgateServices
{
    /// <summary>
    /// Registers the proxy's parts from <paramref name="options"/>. Everything but the listeners: tests and benchmarks
    /// build the same graph without Kestrel, registering their own <see cref="IBackendConnector"/> first.
    /// </summary>
    public static IServiceCollection AddSlotgate(this IServiceCollection services, SlotgateOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        BackendCredentials credentials = BackendSecrets.LoadCredentials(options.Cluster);
        TlsBackendConnector? tlsConnector = options.Cluster.Tls.Enabled
            ? new TlsBackendConnector(BackendSecrets.LoadTlsMaterial(options.Cluster.Tls))
            : null;
        services.AddSingleton(credentials);
        services.AddSingleton(sp => new BackendSecrets(options.Cluster, credentials, tlsConnector, sp.GetRequiredService<ILogger<BackendSecrets>>()));
        services.AddHostedService(sp => sp.GetRequiredService<BackendSecrets>());
        // One meter per server (tests run several in one process); the container disposes it with the server.
        var metrics = new SlotgateMetrics
        {
            SlowLog = new SlowLog(options.Diagnostics.SlowlogThreshold, options.Diagnostics.SlowlogMaxLength),
            Identities = new IdentityStats(
                [.. options.Diagnostics.Identities.Select(text => IdentityPattern.Parse(text, out _)).OfType<IdentityPattern>()],
                counting: options.Diagnostics.Identities.Count > 0 || options.ProxyProtocol.Listen.Count > 0),
        };
        services.AddSingleton(_ => metrics);
        services.AddSingleton<PrometheusExporter>();
        services.AddSingleton<LogLevelSwitch>(_ => new LogLevelSwitch(options.Logging.LogLevel));
        services.AddSingleton(new BackendSettings
        {
            ConnectionsPerNode = options.Backend.EffectiveConnectionsPerNode(options.Io, options.Cluster.Tls.Enabled),
            ConnectTimeout = options.Backend.ConnectTimeout,
            OperationTimeout = options.Backend.OperationTimeout,
            ReconnectBackoffMin = options.Backend.ReconnectBackoffMin,
            ReconnectBackoffMax = options.Backend.ReconnectBackoffMax,
            MaxReconnectsPerSecond = options.Backend.MaxReconnectsPerSecond,
            InlineWrites = options.Io.UsesEventLoops && !options.Cluster.Tls.Enabled,
            Credentials = credentials,
            Metrics = metrics,
        });
        services.AddSingleton(new TopologySettings
        {
            Seeds = options.Cluster.Seeds,
            Interval = options.Cluster.RefreshInterval,
            MinInterval = options.Cluster.RefreshMinInterval,
            Timeout = options.Backend.OperationTimeout,
            Tls = options.Cluster.Tls.Enabled,
            Metrics = metrics,
        });
        services.AddSingleton(new RoutingSettings
        {
            MaxRedirects = options.Routing.MaxRedirects,
            TryAgainDelay = options.Routing.TryAgainDelay,
            FailoverWait = options.Routing.FailoverWait,
            Metrics = metrics,
            ReadFrom = options.Routing.ReadFrom switch
            {
                "prefer-primary" => ReadPolicy.PreferPrimary,
                "replica" => ReadPolicy.Replica,
                "prefer-replica" => ReadPolicy.PreferReplica,
                "any" => ReadPolicy.Any,
                _ => ReadPolicy.Primary,
            },
        });
        services.AddSingleton(new RespLimits
        {
            MaxBulkLength = options.Limits.MaxBulkLength,
            MaxArguments = options.Limits.MaxArguments,
            MaxInlineLength = options.Limits.MaxInlineLength,
        });
        services.AddSingleton(new CommandTableSource(CustomCommands.AddTo(ProxyCommandAdditions.AddTo(CommandTable.BuiltIn), options.Routing.CustomCommands)));
        services.AddSingleton(sp => sp.GetRequiredService<CommandTableSource>().Table);
        services.AddSingleton(sp => new CommandTableRefresher(sp.GetRequiredService<CommandTableSource>(), sp.GetRequiredService<TopologyRefresher>(),
            sp.GetRequiredService<BackendPool>(), sp.GetRequiredService<ILogger<CommandTableRefresher>>(), sp.GetRequiredService<TimeProvider>()));
        if (tlsConnector is not null)
        {
            services.TryAddSingleton<IBackendConnector>(tlsConnector);
        }
        if (options.Io.UsesEventLoops)
        {
            services.TryAddSingleton(sp =>
            {
                var group = new EventLoopGroup(options.Io.EventLoopCount, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Slotgate.EventLoop"),
                    preferRing: options.Io.PrefersRing, warnOnFallback: options.Io.Transport == IoOptions.IoUring);
                ServerIdentity identity = sp.GetRequiredService<ServerIdentity>();
                identity.IoTransport = group.TransportName;
                identity.IoTransportReason = group.TransportReason;
                return group;
            });
            services.TryAddSingleton<IBackendConnector>(sp => new LoopSocketConnector(sp.GetRequiredService<EventLoopGroup>()));
        }
        services.TryAddSingleton<IBackendConnector, KestrelSocketConnector>();
        services.AddSingleton<BackendPool>();
        services.AddSingleton<TopologyRefresher>(sp => new TopologyRefresher(
            sp.GetRequiredService<BackendPool>(), sp.GetRequiredService<TopologySettings>(),
            sp.GetRequiredService<ILogger<TopologyRefresher>>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ScriptCache>(_ => new ScriptCache());
        services.AddSingleton<Router>();
        services.AddSingleton<ServerIdentity>();
        services.AddSingleton<ClusterEmulation>();
        services.AddSingleton(sp =>
        {
            var errors = new List<string>();
            var commands = sp.GetRequiredService<CommandTable>();
            UserDirectory users = UserDirectoryBuilder.Build(options.Auth, commands, errors, sp.GetRequiredService<TimeProvider>());
            // Loaded configurations were validated already; options built in code get the same checks here.
            if (errors.Count != 0)
            {
                throw new InvalidOperationException(string.Join(Environment.NewLine, errors));
            }
            // A learned table has new commands (and new instances of changed ones): each user's rules are applied again.
            commands.Changed += users.Rebind;
            return users;
        });
        services.AddSingleton<LocalCommands>();
        services.AddSingleton<DedicatedConnections>();
        services.AddSingleton<PubSubService>();
        services.AddSingleton(sp => new BlockingCommands(
            sp.GetRequiredService<DedicatedConnections>(), sp.GetRequiredService<Router>(), options.Limits.MaxBlockedClients));
        services.AddSingleton(sp => new CommandDispatcher(
            new DispatcherServices(sp.GetRequiredService<CommandTable>(), sp.GetRequiredService<Router>(), sp.GetRequiredService<LocalCommands>(),
                sp.GetRequiredService<BlockingCommands>(), sp.GetRequiredService<PubSubService>())
            {
                Users = sp.GetRequiredService<UserDirectory>(),
                Metrics = metrics,
                AccessLog = options.Diagnostics.AccessLog
                    ? new AccessLog(sp.GetRequiredService<ILoggerFactory>().CreateLogger("Slotgate.Access"), options.Diagnostics)
                    : null,
                Faults = FaultInjector.Create(options.Faults, metrics.Meter),
                Logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Slotgate.Tracking"),
                PrefixRouting = options.Routes.IsEmpty ? null : new PrefixRouting(new PrefixRouteTable(options.Routes, sp.GetRequiredService<UpstreamSet>())),
            },
            new DispatcherSettings(sp.GetRequiredService<RespLimits>(), options.Limits.MaxPendingCommandsPerClient)
            {
                DisabledCommands = options.Routing.DisabledCommands,
                AllowDebug = options.Routing.AllowDebug,
                PubSubOutputBufferLimit = options.Limits.PubSubOutputBufferLimit,
                TrackingTableMaxKeys = options.Limits.TrackingTableMaxKeys,
                MaxPendingBytesPerClient = options.Limits.MaxPendingBytesPerClient,
                MaxPendingBytes = options.Limits.MaxPendingBytes,
                InlineReplies = options.Io.UsesEventLoops,
            }));
        if (!options.Routes.IsEmpty)
        {
            services.AddSingleton(sp => new UpstreamSet(options, sp.GetRequiredService<Router>(), sp.GetRequiredService<BackendSettings>(),
                sp.GetRequiredService<RoutingSettings>(), sp.GetRequiredService<IBackendConnector>(), sp.GetRequiredService<ILoggerFactory>(),
                sp.GetRequiredService<TimeProvider>()));
            services.AddHostedService(sp => new UpstreamStartup(sp.GetRequiredService<UpstreamSet>()));
        }
        services.AddSingleton(new ConnectionsPerAddress(options.Limits.MaxClientsPerAddress));
        services.AddSingleton(sp => new IdleClientReaper(
            sp.GetRequiredService<CommandDispatcher>().Clients, options.Limits.ClientIdleTimeout,
            sp.GetRequiredService<ILogger<IdleClientReaper>>(), metrics));
        return services;
    }
}
