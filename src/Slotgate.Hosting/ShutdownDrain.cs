using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Slotgate.Configuration;

namespace Slotgate.Hosting;

/// <summary>
/// The two phases of stopping. First, for <c>shutdown.drainDelay</c>, Slotgate keeps accepting and serving normally
/// while <c>/readyz</c> answers 503, so Kubernetes endpoints (and, in a mesh, ztunnels) stop sending new connections
/// before any is refused; then the drain: listeners close and sessions only answer what they have already read, for
/// up to <c>shutdown.drainTimeout</c>. The delay runs in the host's stopping phase, before any listener stops.
/// </summary>
internal sealed partial class ShutdownDrain(SlotgateOptions options, IHostApplicationLifetime lifetime, ILogger<ShutdownDrain> logger)
    : IHostedLifecycleService, IDisposable
{
    private readonly CancellationTokenSource _draining = new();
    private int _stopping;

    /// <summary>Shutdown has begun (the delay or the drain): not ready for new clients.</summary>
    public bool Stopping => Volatile.Read(ref _stopping) != 0 || lifetime.ApplicationStopping.IsCancellationRequested;

    /// <summary>Cancelled when the drain starts (after the delay): sessions stop reading new commands.</summary>
    public CancellationToken Draining => _draining.Token;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _stopping, 1);
        TimeSpan delay = options.Shutdown.DrainDelay;
        if (delay > TimeSpan.Zero)
        {
            Log.DrainDelay(logger, ConfigValueParser.FormatDuration(delay));
            try
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The host's own shutdown timeout ran out first: drain now.
            }
        }
        StartDrain();
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        StartDrain();
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void StartDrain()
    {
        Volatile.Write(ref _stopping, 1);
        if (!_draining.IsCancellationRequested)
        {
            _draining.Cancel();
        }
    }

    public void Dispose() => _draining.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = 730, Level = LogLevel.Information,
            Message = "Shutdown: /readyz answers 503; still accepting and serving clients for {Delay} (shutdown.drainDelay), then draining")]
        public static partial void DrainDelay(ILogger logger, string delay);
    }
}
