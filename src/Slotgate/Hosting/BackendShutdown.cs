using Microsoft.Extensions.Hosting;
using Slotgate.Backend;
using Slotgate.Cluster;

namespace Slotgate.Hosting;

/// <summary>Closes backend connections and stops the topology refresher after the listeners have drained.</summary>
internal sealed class BackendShutdown(BackendPool pool, TopologyRefresher topology) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await topology.DisposeAsync().ConfigureAwait(false);
        await pool.DisposeAsync().ConfigureAwait(false);
    }
}
