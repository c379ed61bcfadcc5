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
    // Inline scheduling: continuations run on the writer's thread, so no thread-pool work item is allocated per wake-up
    // and the measurements see Slotgate's own allocations only.
    private static readonly PipeOptions InlinePipe = new(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false);

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

    /// <param name="slots">The nodes' shared slot layout; null when each node owns every slot.</param>
    public static async Task<InMemoryProxy> StartAsync(string[] nodes, int maxPendingCommandsPerClient = 10_000, InMemorySlotTable? slots = null)
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
        await topology.FirstMap.WaitAsync(TimeSpan.FromSeconds(10));
        return new InMemoryProxy(provider, connector);
    }

    /// <summary>Opens a client connection: returns the client's end of the pipes and the session's run task.</summary>
    public (IDuplexPipe Client, Task Session) Connect()
    {
        var toProxy = new Pipe(InlinePipe);
        var fromProxy = new Pipe(InlinePipe);
        var info = new ClientInfo(Interlocked.Increment(ref _nextClientId), "memory", "memory");
        var session = new ClientSession(
            new DuplexPipe(toProxy.Reader, fromProxy.Writer),
            _services.GetRequiredService<CommandDispatcher>(),
            info,
            NullLogger.Instance);
        Task run = session.RunAsync(CancellationToken.None);
        return (new DuplexPipe(fromProxy.Reader, toProxy.Writer), run);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.GetRequiredService<TopologyRefresher>().DisposeAsync();
        await _services.GetRequiredService<BackendPool>().DisposeAsync();
        await _services.DisposeAsync();
    }
}
