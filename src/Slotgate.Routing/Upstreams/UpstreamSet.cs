using Microsoft.Extensions.Logging;
using Slotgate.Backend;
using Slotgate.Cluster;
using Slotgate.Configuration;
using Slotgate.Routing;

namespace Slotgate.Upstreams;

/// <summary>
/// Every upstream by name: the main cluster (reusing the proxy's own router) and each configured one with a pool,
/// topology refresher (clusters only) and router of its own, so one upstream's failures and redirects never touch
/// another's connections. Built only when routes are configured.
/// </summary>
internal sealed class UpstreamSet : IAsyncDisposable
{
    private readonly Dictionary<string, Upstream> _byName = new(StringComparer.Ordinal);
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly List<TopologyRefresher> _refreshers = [];

    public UpstreamSet(SlotgateOptions options, Router main, BackendSettings backend, RoutingSettings routing, IBackendConnector connector, ILoggerFactory logging, TimeProvider time)
    {
        _byName[UpstreamOptions.DefaultName] = new Upstream(UpstreamOptions.DefaultName, UpstreamKind.Cluster, main, []);
        foreach (UpstreamOptions upstream in options.Upstreams)
        {
            var servers = upstream.Servers.Select(s => UpstreamServer.TryParse(s, out UpstreamServer? server, out _) ? server! : throw new ArgumentException(s)).ToList();
            UpstreamKind kind = upstream.Type switch
            {
                "standalone" => UpstreamKind.Standalone,
                "ketama" => UpstreamKind.Ketama,
                _ => UpstreamKind.Cluster,
            };
            var pool = new BackendPool(backend with { Credentials = new BackendCredentials(upstream.Username, upstream.Password) }, connector, logging.CreateLogger<BackendPool>());
            var refresher = new TopologyRefresher(pool, new TopologySettings
            {
                Seeds = [.. servers.Select(s => s.Endpoint)],
                Interval = options.Cluster.RefreshInterval,
                MinInterval = options.Cluster.RefreshMinInterval,
                Timeout = options.Backend.OperationTimeout,
            }, logging.CreateLogger<TopologyRefresher>(), time);
            // Standalone servers have no replicas to read from and no failover to wait for.
            RoutingSettings settings = kind == UpstreamKind.Cluster ? routing : routing with { ReadFrom = ReadPolicy.Primary, FailoverWait = TimeSpan.Zero };
            var router = new Router(refresher, pool, settings, new ScriptCache(), logging.CreateLogger<Router>());
            _owned.Add(refresher);
            _owned.Add(pool);
            if (kind == UpstreamKind.Cluster)
            {
                _refreshers.Add(refresher);
            }
            _byName[upstream.Name] = new Upstream(upstream.Name, kind, router, servers);
        }
    }

    public Upstream this[string name] => _byName[name];

    public IReadOnlyCollection<Upstream> All => _byName.Values;

    /// <summary>Starts the topology of every extra cluster upstream and waits (bounded) for its first slot map.</summary>
    public async Task StartAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        foreach (TopologyRefresher refresher in _refreshers)
        {
            refresher.Start();
        }
        // A cluster that is not up yet must not keep the proxy from serving the others: its commands get CLUSTERDOWN.
        await Task.WhenAny(Task.WhenAll(_refreshers.Select(r => r.FirstMap)), Task.Delay(wait, cancellationToken)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (IAsyncDisposable owned in _owned)
        {
            await owned.DisposeAsync().ConfigureAwait(false);
        }
    }
}
