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

    private SlotgateServer(WebApplication app, IReadOnlyList<IPEndPoint> endpoints)
    {
        _app = app;
        Endpoints = endpoints;
    }

    /// <summary>The addresses actually bound (port 0 in the options becomes the real port here).</summary>
    public IReadOnlyList<IPEndPoint> Endpoints { get; }

    public IServiceProvider Services => _app.Services;

    public TopologyRefresher Topology => _app.Services.GetRequiredService<TopologyRefresher>();

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
        builder.Host.ConfigureHostOptions(host => host.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Services.AddSlotgate(options);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            foreach (string listen in options.Listen)
            {
                HostPort address = HostPort.Parse(listen);
                kestrel.Listen(ToEndPoint(address), listener => listener.UseConnectionHandler<RespConnectionHandler>());
            }
        });
        WebApplication app = builder.Build();

        var topology = app.Services.GetRequiredService<TopologyRefresher>();
        ILogger logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Slotgate");
        if (OpenFileLimit.Raise() is { } openFiles)
        {
            logger.LogDebug("Open file limit: {Limit}", openFiles);
        }
        if (options.Cluster.Seeds.Count > 0)
        {
            topology.Start();
            logger.LogInformation("Discovering the cluster from {Seeds}", string.Join(", ", options.Cluster.Seeds));
            await WaitForTopologyAsync(topology, logger, cancellationToken).ConfigureAwait(false);
            await LearnCommandsAsync(app.Services, topology, logger).ConfigureAwait(false);
        }
        else
        {
            // Only possible when routes.catchAll sends every key to a named upstream (validated).
            logger.LogInformation("No main cluster (cluster.seeds is empty): every key goes to its route's upstream; keyless commands get CLUSTERDOWN");
        }

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var endpoints = new List<IPEndPoint>();
        foreach (string address in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
        {
            var uri = new Uri(address);
            endpoints.Add(new IPEndPoint(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port));
        }
        if (endpoints.Count > 0)
        {
            app.Services.GetRequiredService<ServerIdentity>().Port = endpoints[0].Port;
        }
        foreach (IPEndPoint endpoint in endpoints)
        {
            logger.LogInformation("Slotgate listening on {Endpoint} (RESP)", endpoint);
        }
        return new SlotgateServer(app, endpoints);
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

    /// <summary>Adds the backend's module commands to the table before anything that routes reads it; on failure keeps it.</summary>
    private static async Task LearnCommandsAsync(IServiceProvider services, TopologyRefresher topology, ILogger logger)
    {
        if (topology.Current.Shards.Count == 0)
        {
            return;
        }
        var source = services.GetRequiredService<CommandTableSource>();
        try
        {
            source.Table = await BackendCommands.LearnAsync(source.Table, services.GetRequiredService<BackendPool>(),
                topology.Current.Shards[0].Primary.Endpoint, TimeSpan.FromSeconds(5), logger).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or BackendException or OperationCanceledException)
        {
            logger.LogWarning("Could not read the backend's command list ({Error}); module commands need routing.customCommands", ex.Message);
        }
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
