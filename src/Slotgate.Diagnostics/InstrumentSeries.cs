using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Slotgate.Diagnostics;

/// <summary>Every series of one counter or gauge, keyed by tag values; a new combination allocates once, then never again.</summary>
internal sealed class InstrumentSeries(Instrument instrument)
{
    private readonly ConcurrentDictionary<SeriesKey, MetricSeries> _series = new();

    public Instrument Instrument { get; } = instrument;

    public ICollection<MetricSeries> Series => _series.Values;

    public MetricSeries Get(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        SeriesKey key = SeriesKey.From(tags);
        if (_series.TryGetValue(key, out MetricSeries? series))
        {
            return series;
        }
        return _series.GetOrAdd(key, new MetricSeries(tags.ToArray()));
    }
}
