using Microsoft.Extensions.Logging;

namespace Slotgate.Proxy;

/// <summary>
/// Closes clients idle longer than <c>limits.clientIdleTimeout</c> (Redis's <c>timeout</c>). One timer sweeps all
/// sessions a few times per timeout rather than a timer per client, so the read path only stores a timestamp.
/// </summary>
internal sealed partial class IdleClientReaper : IDisposable
{
    private readonly ClientRegistry _clients;
    private readonly TimeSpan _timeout;
    private readonly ILogger _logger;
    private readonly Diagnostics.SlotgateMetrics _metrics;
    private ITimer? _timer;

    public IdleClientReaper(ClientRegistry clients, TimeSpan timeout, ILogger<IdleClientReaper> logger, Diagnostics.SlotgateMetrics? metrics = null)
    {
        _clients = clients;
        _timeout = timeout;
        _logger = logger;
        _metrics = metrics ?? Diagnostics.SlotgateMetrics.Unobserved;
    }

    /// <summary>Starts sweeping; does nothing when the timeout is zero (off, the default).</summary>
    public void Start(TimeProvider time)
    {
        if (_timeout <= TimeSpan.Zero)
        {
            return;
        }
        // A quarter of the timeout bounds how late a close comes; at least 50 ms, at most a second as Redis's cron.
        TimeSpan period = TimeSpan.FromTicks(Math.Clamp(_timeout.Ticks / 4, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.TicksPerSecond));
        _timer = time.CreateTimer(static state => ((IdleClientReaper)state!).Sweep(), this, period, period);
    }

    private void Sweep()
    {
        long now = Environment.TickCount64;
        long idle = (long)_timeout.TotalMilliseconds;
        foreach (ClientSession session in _clients.Snapshot())
        {
            if (session.CloseIfIdle(now, idle))
            {
                _metrics.ClientRejected("idle_timeout");
                Log.IdleClosed(_logger, session.Info.Id, _timeout);
            }
        }
    }

    public void Dispose() => _timer?.Dispose();

    private static partial class Log
    {
        [LoggerMessage(EventId = 510, Level = LogLevel.Debug, Message = "Client {Id} closed after {Timeout} idle (limits.clientIdleTimeout)")]
        public static partial void IdleClosed(ILogger logger, long id, TimeSpan timeout);
    }
}
