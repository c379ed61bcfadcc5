using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Slotgate.Backend;
using Slotgate.Cluster;
using Slotgate.Commands;
using Slotgate.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Slotgate.Admin;
using OpenTelemetry.Metrics;
using Slotgate.Diagnostics;
using Slotgate.Protocol;
using Slotgate.Proxy;
using Slotgate.Routing;

namespace Slotgate.Hosting;

/// <summary>
/// Slotgate as a running process: a Generic Host on Kestrel with one RESP listener per configured address, the
/// backend pool and the topology refresher. The topology is discovered before the listeners open, so the first
/// client command already has a slot map. Used by <c>Program</c> and, in-process, by the integration tests.
/// </summary>
internal sealed partial class SlotgateServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SlotgateServer(WebApplication app, IReadOnlyList<IPEndPoint> endpoints, IReadOnlyList<IPEndPoint> tlsEndpoints,
        IReadOnlyList<IPEndPoint> proxyProtocolEndpoints, IPEndPoint? adminEndpoint)
    {
        _app = app;
        Endpoints = endpoints;
        TlsEndpoints = tlsEndpoints;
        ProxyProtocolEndpoints = proxyProtocolEndpoints;
        AdminEndpoint = adminEndpoint;
    }

    /// <summary>The plaintext addresses actually bound (port 0 in the options becomes the real port here).</summary>
    public IReadOnlyList<IPEndPoint> Endpoints { get; }

    /// <summary>The TLS addresses actually bound (<c>tls.listen</c>).</summary>
    public IReadOnlyList<IPEndPoint> TlsEndpoints { get; }

    /// <summary>The PROXY protocol addresses actually bound (<c>proxyProtocol.listen</c>).</summary>
    public IReadOnlyList<IPEndPoint> ProxyProtocolEndpoints { get; }

    /// <summary>Where the admin HTTP API listens (the real port when the options say 0), or null when it is off.</summary>
    public IPEndPoint? AdminEndpoint { get; }

    public IServiceProvider Services => _app.Services;

    public TopologyRefresher Topology => _app.Services.GetRequiredService<TopologyRefresher>();

    /// <summary>
    /// Cancelled when shutdown (draining) starts: from then on no client is accepted and sessions only answer what
    /// they have already read. For readiness checks, which should report "not ready" from this moment.
    /// </summary>
    public CancellationToken Draining => _app.Lifetime.ApplicationStopping;

    public static async Task<SlotgateServer> StartAsync(SlotgateOptions options, Action<ILoggingBuilder>? configureLogging = null, CancellationToken cancellationToken = default)
    {
        // Slotgate reads its own configuration (SlotgateOptions), not appsettings.json, so the host must not watch the
        // working directory for one: that watch covers every subdirectory and woke a thread for each file written
        // anywhere below it (a data directory, logs), costing CPU for nothing.
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        // The runtime-adjustable level (POST /log-level) applies on top of whatever else is configured.
        var levels = new LogLevelSwitch(options.Logging.LogLevel);
        builder.Logging.AddFilter((_, _, level) => levels.IsEnabled(level));
        if (configureLogging is not null)
        {
            configureLogging(builder.Logging);
        }
        else
        {
            ConfigureDefaultLogging(builder.Logging, options.Logging);
        }
        // The drain: on stop, Kestrel stops accepting and waits this long for sessions to answer what they have read,
        // then aborts the connections still open. The host's timeout also covers the delay before it (ShutdownDrain).
        builder.Host.ConfigureHostOptions(host => host.ShutdownTimeout = options.Shutdown.DrainTimeout + options.Shutdown.DrainDelay);
        builder.Services.AddSlotgate(options);
        builder.Services.AddSingleton<ShutdownDrain>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ShutdownDrain>());
        builder.Services.AddSingleton<RespConnectionHandler>();
        builder.Services.AddSingleton<ProxyProtocolConnectionHandler>();
        if (options.Tls.Enabled)
        {
            builder.Services.AddSingleton(sp => new TlsListenerCertificates(options.Tls, sp.GetRequiredService<ILogger<TlsListenerCertificates>>()));
        }
        builder.Services.AddSingleton(levels);
        builder.Services.AddSingleton<TopologyView>();
        builder.Services.AddSingleton<MigrationProbe>();
        if (options.Diagnostics.OtlpMetricsUri is { } otlp)
        {
            // The same meter, pushed by the OpenTelemetry SDK; /metrics keeps working beside it.
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
                .AddMeter(SlotgateMetrics.MeterName)
                .AddOtlpExporter((exporter, reader) =>
                {
                    exporter.Endpoint = otlp;
                    exporter.Protocol = OpenTelemetry.Exporter.OtlpExportProtocol.HttpProtobuf;
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)options.Diagnostics.OtlpInterval.TotalMilliseconds;
                }));
        }
        bool loops = options.Io.UsesEventLoops;
        if (loops)
        {
            builder.Services.AddSingleton<LoopListener>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<LoopListener>());
            if (!options.Tls.Enabled && !options.Admin.Enabled)
            {
                // Nothing for Kestrel to serve: without a listener it would bind its default localhost:5000.
                builder.Services.AddSingleton<Microsoft.AspNetCore.Hosting.Server.IServer, NoHttpServer>();
            }
        }
        var respListeners = new List<ListenOptions>();
        var tlsListeners = new List<ListenOptions>();
        var proxyListeners = new List<ListenOptions>();
        ListenOptions? adminListener = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (string listen in loops ? [] : options.Listen)
            {
                HostPort address = HostPort.Parse(listen);
                kestrel.Listen(ToEndPoint(address), listener =>
                {
                    listener.UseConnectionHandler<RespConnectionHandler>();
                    respListeners.Add(listener);
                });
            }
            foreach (string listen in loops ? [] : options.ProxyProtocol.Listen)
            {
                HostPort address = HostPort.Parse(listen);
                kestrel.Listen(ToEndPoint(address), listener =>
                {
                    listener.UseConnectionHandler<ProxyProtocolConnectionHandler>();
                    proxyListeners.Add(listener);
                });
            }
            foreach (string listen in options.Tls.Listen)
            {
                HostPort address = HostPort.Parse(listen);
                kestrel.Listen(ToEndPoint(address), listener =>
                {
                    TlsListener.Configure(
                        listener,
                        kestrel.ApplicationServices.GetRequiredService<TlsListenerCertificates>(),
                        kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Slotgate.Tls"));
                    tlsListeners.Add(listener);
                });
            }
            if (options.Admin.Enabled)
            {
                kestrel.Listen(ToEndPoint(HostPort.Parse(options.Admin.Listen)), listener => adminListener = listener);
            }
        });
        WebApplication app = builder.Build();
        if (options.Admin.Enabled)
        {
            AdminEndpoints.Map(app, options.Admin);
        }
        ObserveGauges(app.Services);

        var topology = app.Services.GetRequiredService<TopologyRefresher>();
        ILogger logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Slotgate");
        if (OpenFileLimit.Raise() is { } openFiles)
        {
            Log.OpenFileLimit(logger, openFiles);
        }
        if (options.Cluster.Seeds.Count > 0)
        {
            topology.Start();
            Log.Discovering(logger, string.Join(", ", options.Cluster.Seeds));
            await WaitForTopologyAsync(topology, logger, cancellationToken).ConfigureAwait(false);
            await LearnCommandsAsync(app.Services, topology, logger).ConfigureAwait(false);
        }
        else
        {
            // Only possible when routes.catchAll sends every key to a named upstream (validated).
            Log.NoMainCluster(logger);
        }

        var endpoints = new List<IPEndPoint>();
        var proxyEndpoints = new List<IPEndPoint>();
        if (loops)
        {
            var listener = app.Services.GetRequiredService<LoopListener>();
            var resp = app.Services.GetRequiredService<RespConnectionHandler>();
            var proxied = app.Services.GetRequiredService<ProxyProtocolConnectionHandler>();
            try
            {
                foreach (string listen in options.Listen)
                {
                    endpoints.Add(listener.Bind(ToEndPoint(HostPort.Parse(listen)), resp));
                }
                foreach (string listen in options.ProxyProtocol.Listen)
                {
                    proxyEndpoints.Add(listener.Bind(ToEndPoint(HostPort.Parse(listen)), proxied));
                }
            }
            catch
            {
                // As when Kestrel cannot bind: nothing of this server stays running (topology refresh, node connections).
                await app.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        app.Services.GetRequiredService<IdleClientReaper>().Start(app.Services.GetRequiredService<TimeProvider>());
        // Kestrel writes the bound endpoint (the real port for port 0) back into each listener's options.
        foreach (ListenOptions listener in respListeners)
        {
            endpoints.Add(listener.IPEndPoint!);
        }
        var tlsEndpoints = tlsListeners.ConvertAll(listener => listener.IPEndPoint!);
        foreach (ListenOptions listener in proxyListeners)
        {
            proxyEndpoints.Add(listener.IPEndPoint!);
        }
        if (endpoints.Count > 0 || tlsEndpoints.Count > 0 || proxyEndpoints.Count > 0)
        {
            app.Services.GetRequiredService<ServerIdentity>().Port = (endpoints.Count > 0 ? endpoints : tlsEndpoints.Count > 0 ? tlsEndpoints : proxyEndpoints)[0].Port;
        }
        foreach (IPEndPoint endpoint in endpoints)
        {
            Log.Listening(logger, endpoint);
        }
        foreach (IPEndPoint endpoint in tlsEndpoints)
        {
            Log.ListeningTls(logger, endpoint);
        }
        foreach (IPEndPoint endpoint in proxyEndpoints)
        {
            Log.ListeningProxyProtocol(logger, endpoint, string.Join(", ", options.ProxyProtocol.TrustedProxies));
        }
        if (adminListener?.IPEndPoint is { } admin)
        {
            Log.AdminListening(logger, admin);
        }
        return new SlotgateServer(app, endpoints, tlsEndpoints, proxyEndpoints, adminListener?.IPEndPoint);
    }

    /// <summary>Runs until Ctrl-C or SIGTERM, then drains in-flight commands and stops.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>
    /// Stops accepting clients, lets every session answer the commands it has already read (Kestrel waits for the
    /// sessions to finish), and only then closes the backend connections, as the container disposes them.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Learns the command table from the cluster's primaries before clients are served, then keeps it in step with the
    /// topology; when no node answers, the seed table stays and the next topology change tries again.
    /// </summary>
    private static async Task LearnCommandsAsync(IServiceProvider services, TopologyRefresher topology, ILogger logger)
    {
        var refresher = services.GetRequiredService<CommandTableRefresher>();
        try
        {
            if (topology.Current.Shards.Count > 0 && !await refresher.RefreshAsync().ConfigureAwait(false))
            {
                Log.CommandListUnreadable(logger, "no primary answered COMMAND");
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Log.CommandListUnreadable(logger, ex.Message);
        }
        refresher.Start();
    }

        private static async Task WaitForTopologyAsync(TopologyRefresher topology, ILogger logger, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task delay = Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            if (await Task.WhenAny(topology.FirstMap, delay).ConfigureAwait(false) == topology.FirstMap)
            {
                break;
            }
            cancellationToken.ThrowIfCancellationRequested();
            Log.StillWaiting(logger, topology.LastError ?? "no answer yet");
        }
        SlotMap map = topology.Current;
        if (!map.IsFullyCovered)
        {
            Log.PartlyCovered(logger, map.CoveredSlots, string.Join(",", map.UncoveredRanges()));
        }
    }

    private static void ConfigureDefaultLogging(ILoggingBuilder logging, LoggingOptions options)
    {
        if (options.Json)
        {
            logging.AddJsonConsole();
        }
        else
        {
            logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss.fff ";
            });
        }
        // Everything passes this rule; the level switch (logging.logLevel, POST /log-level) decides.
        logging.SetMinimumLevel(LogLevel.Trace);
        logging.AddFilter("Microsoft", LogLevel.Warning);
    }

    /// <summary>Points the observable gauges at the parts they describe, once those exist.</summary>
    private static void ObserveGauges(IServiceProvider services)
    {
        SlotgateMetrics metrics = services.GetRequiredService<SlotgateMetrics>();
        // The exporter aggregates from the moment it listens: created now, not at the first scrape.
        services.GetRequiredService<PrometheusExporter>();
        ServerIdentity identity = services.GetRequiredService<ServerIdentity>();
        TopologyRefresher topology = services.GetRequiredService<TopologyRefresher>();
        BackendPool pool = services.GetRequiredService<BackendPool>();
        BlockingCommands blocking = services.GetRequiredService<BlockingCommands>();
        metrics.ActiveClients = () => identity.ConnectedClients;
        metrics.TopologyEpoch = () => topology.Current.Version;
        metrics.SlotsCovered = () => topology.Current.CoveredSlots;
        metrics.Shards = () => topology.Current.Shards.Count;
        metrics.BlockedClients = () => blocking.Blocked;
        ClientRegistry clients = services.GetRequiredService<CommandDispatcher>().Clients;
        metrics.ClientBytes = clients.Bytes;
        metrics.BackendConnections = () => BackendConnectionGauges(pool);
    }

    private static IEnumerable<System.Diagnostics.Metrics.Measurement<long>> BackendConnectionGauges(BackendPool pool)
    {
        var up = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        var down = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        foreach (BackendNode node in pool.Nodes)
        {
            int connected = node.ConnectedCount;
            up[node.Endpoint] = up.GetValueOrDefault(node.Endpoint) + connected;
            down[node.Endpoint] = down.GetValueOrDefault(node.Endpoint) + (pool.Settings.ConnectionsPerNode - connected);
        }
        foreach ((string endpoint, long count) in up)
        {
            yield return new(count, new KeyValuePair<string, object?>("node", endpoint), new KeyValuePair<string, object?>("state", "up"));
            yield return new(down[endpoint], new KeyValuePair<string, object?>("node", endpoint), new KeyValuePair<string, object?>("state", "down"));
        }
    }

    private static IPEndPoint ToEndPoint(HostPort address)
    {
        if (IPAddress.TryParse(address.Host, out IPAddress? ip))
        {
            return new IPEndPoint(ip, address.Port);
        }
        if (string.Equals(address.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return new IPEndPoint(IPAddress.Loopback, address.Port);
        }
        IPAddress[] resolved = Dns.GetHostAddresses(address.Host);
        return new IPEndPoint(resolved[0], address.Port);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 600, Level = LogLevel.Debug, Message = "Open file limit: {Limit}")]
        public static partial void OpenFileLimit(ILogger logger, ulong limit);

        [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "Discovering the cluster from {Seeds}")]
        public static partial void Discovering(ILogger logger, string seeds);

        [LoggerMessage(EventId = 602, Level = LogLevel.Information, Message = "No main cluster (cluster.seeds is empty): every key goes to its route's upstream; keyless commands get CLUSTERDOWN")]
        public static partial void NoMainCluster(ILogger logger);

        [LoggerMessage(EventId = 603, Level = LogLevel.Information, Message = "Slotgate listening on {Endpoint} (RESP)")]
        public static partial void Listening(ILogger logger, IPEndPoint endpoint);

        [LoggerMessage(EventId = 604, Level = LogLevel.Information, Message = "Slotgate listening on {Endpoint} (RESP over TLS)")]
        public static partial void ListeningTls(ILogger logger, IPEndPoint endpoint);

        [LoggerMessage(EventId = 605, Level = LogLevel.Information, Message = "Slotgate listening on {Endpoint} (PROXY protocol, then RESP; trusted proxies {Trusted})")]
        public static partial void ListeningProxyProtocol(ILogger logger, IPEndPoint endpoint, string trusted);

        [LoggerMessage(EventId = 606, Level = LogLevel.Information, Message = "Admin API on http://{Endpoint}/ (metrics, health, topology, dashboard)")]
        public static partial void AdminListening(ILogger logger, IPEndPoint endpoint);

        [LoggerMessage(EventId = 607, Level = LogLevel.Warning, Message = "Could not read the backend's command list ({Error}); module commands need routing.customCommands")]
        public static partial void CommandListUnreadable(ILogger logger, string error);

        [LoggerMessage(EventId = 608, Level = LogLevel.Warning, Message = "Still waiting for the cluster: {Error}")]
        public static partial void StillWaiting(ILogger logger, string error);

        [LoggerMessage(EventId = 609, Level = LogLevel.Warning, Message = "Serving with {Covered}/16384 slots covered; commands for slots {Ranges} get -CLUSTERDOWN")]
        public static partial void PartlyCovered(ILogger logger, int covered, string ranges);
    }
}
