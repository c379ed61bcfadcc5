using System.IO.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Slotgate.Backend;
using Slotgate.Cluster;
using Slotgate.Configuration;
using Slotgate.Hosting;
using Slotgate.Proxy;

namespace Slotgate.Tests.Support.InMemory;

/// <summary>
/// Slotgate's whole command path — session, dispatcher, router, backend connections — with in-memory pipes on both
/// sides instead of sockets: the object graph is the production one (<see cref="SlotgateServices.AddSlotgate"/>).
/// </summary>
internal sealed class InMemoryProxy : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private long _nextClientId;

    private InMemoryProxy(ServiceProvider services, InMemoryConnector connector)
    {
        _services = services;
        Connector = connector;
    }

    /// <summary>Slotgate's view of the cluster.</summary>
    public TopologyRefresher Topology => _services.GetRequiredService<TopologyRefresher>();

    /// <summary>The in-memory nodes, to make one misbehave.</summary>
    public InMemoryConnector Connector { get; }

    /// <summary>The dispatcher every session shares: its client registry, limits and command table.</summary>
    public CommandDispatcher Dispatcher => _services.GetRequiredService<CommandDispatcher>();

    /// <param name="slots">The nodes' shared slot layout; null when each node owns every slot.</param>
    /// <param name="configure">Changes to the options below (e.g. other limits).</param>
    public static async Task<InMemoryProxy> StartAsync(
        string[] nodes, int maxPendingCommandsPerClient = 10_000, InMemorySlotTable? slots = null, Func<SlotgateOptions, SlotgateOptions>? configure = null)
    {
        var options = new SlotgateOptions
        {
            Cluster = new ClusterOptions { Seeds = nodes, RefreshInterval = TimeSpan.FromHours(1) },
            Limits = new LimitsOptions { MaxPendingCommandsPerClient = maxPendingCommandsPerClient },
            // A 2,000-deep pipeline on a loaded machine makes commands wait past 10 ms, and each slow-log entry is a
            // (deliberate) allocation; the per-command path is what the allocation test measures.
            Diagnostics = new DiagnosticsOptions { SlowlogThreshold = TimeSpan.FromMinutes(1) },
            // In-memory pipes are scheduled on the thread pool, as Kestrel's socket pipes are: the Kestrel transport's
            // settings. The event loops are covered over real sockets (SteadyStateAllocationTests).
            Io = new IoOptions { Transport = IoOptions.Kestrel },
        };
        options = configure?.Invoke(options) ?? options;
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        var connector = new InMemoryConnector(slots, nodes);
        services.AddSingleton<IBackendConnector>(connector);
        services.AddSlotgate(options);
        ServiceProvider provider = services.BuildServiceProvider();
        // Listening, as in production: recording into a listened-to meter must stay allocation-free too.
        provider.GetRequiredService<Slotgate.Diagnostics.PrometheusExporter>();
        TopologyRefresher topology = provider.GetRequiredService<TopologyRefresher>();
        topology.Start();
        await topology.FirstMap.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        return new InMemoryProxy(provider, connector);
    }

    /// <summary>Opens a client connection: returns the client's end of the pipes and the session's run task.</summary>
    public (IDuplexPipe Client, Task Session) Connect()
    {
        var toProxy = new Pipe(InMemoryConnector.InlinePipe);
        var fromProxy = new Pipe(InMemoryConnector.InlinePipe);
        var info = new ClientInfo(Interlocked.Increment(ref _nextClientId), "memory", "memory");
        var session = new ClientSession(
            new DuplexPipe(toProxy.Reader, fromProxy.Writer),
            Dispatcher,
            info,
            NullLogger.Instance);
        Task run = session.RunAsync(CancellationToken.None);
        return (new DuplexPipe(fromProxy.Reader, toProxy.Writer), run);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.GetRequiredService<TopologyRefresher>().DisposeAsync().ConfigureAwait(false);
        await _services.GetRequiredService<BackendPool>().DisposeAsync().ConfigureAwait(false);
        await _services.DisposeAsync().ConfigureAwait(false);
    }
}
