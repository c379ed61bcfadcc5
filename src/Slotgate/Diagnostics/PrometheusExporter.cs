using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Slotgate.Diagnostics;

/// <summary>
/// Aggregates the measurements of one server's <see cref="SlotgateMetrics.Meter"/> through a <see cref="MeterListener"/>
/// and renders them in the Prometheus text exposition format (version 0.0.4) for <c>GET /metrics</c>. Hand-written
/// rather than the OpenTelemetry exporter (see docs/decisions.md): a few hundred lines, no beta package, AOT-clean,
/// and the recording side is allocation-free by construction (series are found by their pre-built tag values).
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    /// <summary>Seconds: from 100 µs (a pipelined GET) to 10 s (past any operation timeout).</summary>
    private static readonly double[] DurationBounds =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener = new();
    private readonly List<InstrumentSeries> _instruments = [];
    private readonly Meter _meter;

    public PrometheusExporter(SlotgateMetrics metrics)
    {
        _meter = metrics.Meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!ReferenceEquals(instrument.Meter, _meter))
            {
                return;
            }
            var series = new InstrumentSeries(instrument, instrument is Histogram<double> ? DurationBounds : null);
            lock (_instruments)
            {
                _instruments.Add(series);
            }
            listener.EnableMeasurementEvents(instrument, series);
        };
        _listener.SetMeasurementEventCallback<long>(static (instrument, value, tags, state) => Record(instrument, value, tags, state));
        _listener.SetMeasurementEventCallback<double>(static (instrument, value, tags, state) => Record(instrument, value, tags, state));
        _listener.SetMeasurementEventCallback<int>(static (instrument, value, tags, state) => Record(instrument, value, tags, state));
        _listener.Start();
    }

    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public string Render()
    {
        // Observable instruments report now; their callbacks land in the same series as pushed measurements.
        _listener.RecordObservableInstruments();
        InstrumentSeries[] instruments;
        lock (_instruments)
        {
            instruments = [.. _instruments];
        }
        var text = new StringBuilder();
        foreach (InstrumentSeries instrument in instruments.OrderBy(i => i.Instrument.Name, StringComparer.Ordinal))
        {
            string name = PrometheusName(instrument.Instrument);
            string type = instrument.Instrument switch
            {
                Counter<long> or Counter<double> or ObservableCounter<long> => "counter",
                Histogram<double> => "histogram",
                _ => "gauge",
            };
            text.Append("# HELP ").Append(name).Append(' ').Append(instrument.Instrument.Description).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach (MetricSeries series in instrument.Series.OrderBy(s => Labels(s.Tags, null, null), StringComparer.Ordinal))
            {
                if (instrument.Bounds is { } bounds)
                {
                    string baseName = name;
                    long cumulative = 0;
                    for (int i = 0; i <= bounds.Length; i++)
                    {
                        cumulative += series.Bucket(i);
                        string le = i < bounds.Length ? bounds[i].ToString(CultureInfo.InvariantCulture) : "+Inf";
                        text.Append(baseName).Append("_bucket").Append(Labels(series.Tags, "le", le)).Append(' ')
                            .Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
                    }
                    text.Append(baseName).Append("_sum").Append(Labels(series.Tags, null, null)).Append(' ')
                        .Append(series.Sum.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
                    text.Append(baseName).Append("_count").Append(Labels(series.Tags, null, null)).Append(' ')
                        .Append(series.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
                }
                else
                {
                    text.Append(name).Append(Labels(series.Tags, null, null)).Append(' ')
                        .Append(series.Value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
                }
            }
        }
        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private static void Record(Instrument instrument, double number, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var series = (InstrumentSeries)state!;
        MetricSeries target = series.Get(tags);
        switch (instrument)
        {
            case Histogram<double>:
                target.Observe(number, series.BucketOf(number));
                break;
            case Counter<long> or Counter<double> or UpDownCounter<long>:
                target.Add(number);
                break;
            default:
                // Observable gauges report the current value.
                target.Set(number);
                break;
        }
    }

    /// <summary>
    /// OpenTelemetry's naming carried to Prometheus as its exporters do: dots become underscores, the unit becomes a
    /// suffix (<c>s</c> → <c>_seconds</c>, <c>By</c> → <c>_bytes</c>, annotations in braces are dropped) and counters end in <c>_total</c>.
    /// </summary>
    internal static string PrometheusName(Instrument instrument)
    {
        string name = instrument.Name.Replace('.', '_');
        string? suffix = instrument.Unit switch
        {
            "s" => "_seconds",
            "By" => "_bytes",
            _ => null,
        };
        if (suffix is not null && !name.EndsWith(suffix, StringComparison.Ordinal))
        {
            name += suffix;
        }
        if (instrument is Counter<long> or Counter<double> or ObservableCounter<long>)
        {
            name += "_total";
        }
        return name;
    }

    private static string Labels(KeyValuePair<string, object?>[] tags, string? extraName, string? extraValue)
    {
        if (tags.Length == 0 && extraName is null)
        {
            return string.Empty;
        }
        var text = new StringBuilder("{");
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (text.Length > 1)
            {
                text.Append(',');
            }
            text.Append(tag.Key).Append("=\"").Append(Escape(Convert.ToString(tag.Value, CultureInfo.InvariantCulture))).Append('"');
        }
        if (extraName is not null)
        {
            if (text.Length > 1)
            {
                text.Append(',');
            }
            text.Append(extraName).Append("=\"").Append(extraValue).Append('"');
        }
        return text.Append('}').ToString();
    }

    private static string Escape(string? value) =>
        (value ?? string.Empty).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
