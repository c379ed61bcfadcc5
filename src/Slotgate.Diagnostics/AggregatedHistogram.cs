using System.Diagnostics.Metrics;

namespace Slotgate.Diagnostics;

/// <summary>
/// A histogram instrument whose <c>/metrics</c> series come from Slotgate's own latency aggregates instead of from
/// its measurements, so the per-command path records into one place only.
/// </summary>
internal sealed record AggregatedHistogram(Instrument Instrument, Func<IEnumerable<AggregatedHistogram.Series>> Read)
{
    /// <summary>One label value's histogram: latencies in microseconds and their sum.</summary>
    public readonly record struct Series(KeyValuePair<string, object?> Tag, LatencyHistogram Latency, long Micros);
}
