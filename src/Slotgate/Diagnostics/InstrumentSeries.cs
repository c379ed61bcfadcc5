using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Slotgate.Diagnostics;

/// <summary>Every series of one instrument, keyed by tag values; a new combination allocates once, then never again.</summary>
internal sealed class InstrumentSeries(Instrument instrument, double[]? bounds)
{
    private readonly ConcurrentDictionary<SeriesKey, MetricSeries> _series = new();

    public Instrument Instrument { get; } = instrument;

    /// <summary>Histogram bucket upper bounds (seconds); null for counters and gauges.</summary>
    public double[]? Bounds { get; } = bounds;

    public ICollection<MetricSeries> Series => _series.Values;

    public MetricSeries Get(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        SeriesKey key = SeriesKey.From(tags);
        if (_series.TryGetValue(key, out MetricSeries? series))
        {
            return series;
        }
        return _series.GetOrAdd(key, new MetricSeries(tags.ToArray(), Bounds is null ? 0 : Bounds.Length + 1));
    }

    public int BucketOf(double value)
    {
        double[] bounds = Bounds!;
        for (int i = 0; i < bounds.Length; i++)
        {
            if (value <= bounds[i])
            {
                return i;
            }
        }
        return bounds.Length;
    }
}
