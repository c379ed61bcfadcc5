using Microsoft.Extensions.Hosting;

namespace Slotgate.Upstreams;

/// <summary>Discovers the routed cluster upstreams when the host starts, so their first commands find a slot map.</summary>
internal sealed class UpstreamStartup(UpstreamSet upstreams) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => upstreams.StartAsync(TimeSpan.FromSeconds(10), cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
