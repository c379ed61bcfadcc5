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
using Slotgate.Protocol;
using Slotgate.Proxy;
using Slotgate.Routing;

namespace Slotgate.Hosting;

/// <summary>
/// Slotgate as a running process: a Generic Host on Kestrel with one RESP listener per configured address, the
/// backend pool and the topology refresher. The topology is discovered before the listeners open, so the first
/// client command already has a slot map. Used by <c>Program</c> and, in-process, by the integration tests.
/// </summary>
internal sealed class SlotgateServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SlotgateServer(WebApplication app, IReadOnlyList<IPEndPoint> endpoints, IReadOnlyList<IPEndPoint> tlsEndpoints)
    {
        _app = app;
        Endpoints = endpoints;
        TlsEndpoints = tlsEndpoints;
    }

    /// <summary>The plaintext addresses actually bound (port 0 in the options becomes the real port here).</summary>
    public IReadOnlyList<IPEndPoint> Endpoints { get; }

    /// <summary>The TLS addresses actually bound (<c>tls.listen</c>).</summary>
    public IReadOnlyList<IPEndPoint> TlsEndpoints { get; }

    public IServiceProvider Services => _app.Services;

    public TopologyRefresher Topology => _app.Services.GetRequiredService<TopologyRefresher>();

    /// <summary>
    /// Cancelled when shutdown (draining) starts: from then on no client is accepted and sessions only answer what
    /// they have already read. For readiness checks, which should report "not ready" from this moment.
    /// </summary>
    public CancellationToken Draining => _app.Lifetime.ApplicationStopping;

    public static async Task<SlotgateServer> StartAsync(SlotgateOptions options, Action<ILoggingBuilder>? configureLogging = null, CancellationToken cancellationToken = default)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (configureLogging is not null)
        {
            configureLogging(builder.Logging);
        }
        else
        {
            ConfigureDefaultLogging(builder.Logging, options.Logging);
        }
        // The drain: on stop, Kestrel stops accepting and waits this long for sessions to answer what they have read,
        // then aborts the connections still open.
        builder.Host.ConfigureHostOptions(host => host.ShutdownTimeout = options.Shutdown.DrainTimeout);
        builder.Services.AddSlotgate(options);
        if (options.Tls.Enabled)
        {
            builder.Services.AddSingleton(sp => new TlsListenerCertificates(options.Tls, sp.GetRequiredService<ILogger<TlsListenerCertificates>>()));
        }
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (string listen in options.Listen)
            {
                HostPort address = HostPort.Parse(listen);
                kestrel.Listen(ToEndPoint(address), listener => listener.UseConnectionHandler<RespConnectionHandler>());
            }
            foreach (string listen in options.Tls.Listen)
            {
                HostPort address = HostPort.Parse(listen);
                kestrel.Listen(ToEndPoint(address), listener => TlsListener.Configure(
                    listener,
                    kestrel.ApplicationServices.GetRequiredService<TlsListenerCertificates>(),
                    kestrel.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Slotgate.Tls")));
            }
        });
        WebApplication app = builder.Build();

        var topology = app.Services.GetRequiredService<TopologyRefresher>();
        ILogger logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Slotgate");
        if (OpenFileLimit.Raise() is { } openFiles)
        {
            logger.LogDebug("Open file limit: {Limit}", openFiles);
        }
        topology.Start();
        logger.LogInformation("Discovering the cluster from {Seeds}", string.Join(", ", options.Cluster.Seeds));
        await WaitForTopologyAsync(topology, logger, cancellationToken).ConfigureAwait(false);

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        app.Services.GetRequiredService<IdleClientReaper>().Start(app.Services.GetRequiredService<TimeProvider>());
        var endpoints = new List<IPEndPoint>();
        var tlsEndpoints = new List<IPEndPoint>();
        foreach (string address in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
        {
            // Kestrel names TLS listeners https://, whatever protocol runs over them.
            var uri = new Uri(address);
            (uri.Scheme == Uri.UriSchemeHttps ? tlsEndpoints : endpoints).Add(new IPEndPoint(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port));
        }
        if (endpoints.Count > 0 || tlsEndpoints.Count > 0)
        {
            app.Services.GetRequiredService<ServerIdentity>().Port = (endpoints.Count > 0 ? endpoints : tlsEndpoints)[0].Port;
        }
        foreach (IPEndPoint endpoint in endpoints)
        {
            logger.LogInformation("Slotgate listening on {Endpoint} (RESP)", endpoint);
        }
        foreach (IPEndPoint endpoint in tlsEndpoints)
        {
            logger.LogInformation("Slotgate listening on {Endpoint} (RESP over TLS)", endpoint);
        }
        return new SlotgateServer(app, endpoints, tlsEndpoints);
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
            logger.LogWarning("Still waiting for the cluster: {Error}", topology.LastError ?? "no answer yet");
        }
        SlotMap map = topology.Current;
        if (!map.IsFullyCovered)
        {
            logger.LogWarning(
                "Serving with {Covered}/16384 slots covered; commands for slots {Ranges} get -CLUSTERDOWN",
                map.CoveredSlots, string.Join(",", map.UncoveredRanges()));
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
        logging.SetMinimumLevel(Enum.Parse<LogLevel>(options.LogLevel, ignoreCase: true));
        logging.AddFilter("Microsoft", LogLevel.Warning);
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
}
