using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Slotgate.Diagnostics;

/// <summary>
/// Aggregates the measurements of one server's <see cref="SlotgateMetrics.Meter"/> through a <see cref="MeterListener"/>
/// and renders them in the Prometheus text exposition format (version 0.0.4) for <c>GET /metrics</c>. Hand-written
/// rather than the OpenTelemetry exporter (see docs/decisions.md): a few hundred lines, no beta package, AOT-clean,
/// and the recording side is allocation-free by construction (series are found by their pre-built tag values).
/// The duration histograms are not listened to: they are rendered from the latency aggregates at scrape time
/// (<see cref="SlotgateMetrics.AggregatedHistograms"/>), so the per-command path does not pay for them twice.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    /// <summary>
    /// Bucket bounds in microseconds: powers of two from 32 µs (a pipelined GET) to about 8.4 s (past any operation
    /// timeout). They are bucket edges of <see cref="LatencyHistogram"/>, so every bucket count is exact.
    /// </summary>
    private static readonly long[] BoundsMicros = [.. Enumerable.Range(5, 19).Select(bit => 1L << bit)];

    private static readonly string[] BoundLabels =
        [.. BoundsMicros.Select(b => (b / 1_000_000.0).ToString("0.######", CultureInfo.InvariantCulture)), "+Inf"];

    private readonly MeterListener _listener = new();
    private readonly List<InstrumentSeries> _instruments = [];
    private readonly IReadOnlyList<AggregatedHistogram> _histograms;
    private readonly Meter _meter;

    public PrometheusExporter(SlotgateMetrics metrics)
    {
        _meter = metrics.Meter;
        _histograms = metrics.AggregatedHistograms;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!ReferenceEquals(instrument.Meter, _meter) || _histograms.Any(h => ReferenceEquals(h.Instrument, instrument)))
            {
                return;
            }
            var series = new InstrumentSeries(instrument);
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
        var families = new List<(string Name, Action<StringBuilder> Write)>();
        lock (_instruments)
        {
            foreach (InstrumentSeries instrument in _instruments)
            {
                string name = PrometheusName(instrument.Instrument);
                families.Add((name, text => WriteSeries(text, name, instrument)));
            }
        }
        foreach (AggregatedHistogram histogram in _histograms)
        {
            string name = PrometheusName(histogram.Instrument);
            families.Add((name, text => WriteHistogram(text, name, histogram)));
        }
        var output = new StringBuilder();
        foreach ((string _, Action<StringBuilder> write) in families.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            write(output);
        }
        return output.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private static void WriteSeries(StringBuilder text, string name, InstrumentSeries instrument)
    {
        string type = instrument.Instrument is Counter<long> or Counter<double> or ObservableCounter<long> ? "counter" : "gauge";
        WriteHeader(text, name, instrument.Instrument.Description, type);
        foreach (MetricSeries series in instrument.Series.OrderBy(s => Labels(s.Tags, null, null), StringComparer.Ordinal))
        {
            text.Append(name).Append(Labels(series.Tags, null, null)).Append(' ')
                .Append(series.Value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    /// <summary>One histogram per label value that has counted anything, cumulative buckets summed from the latency histogram's.</summary>
    private static void WriteHistogram(StringBuilder text, string name, AggregatedHistogram histogram)
    {
        WriteHeader(text, name, histogram.Instrument.Description, "histogram");
        var counts = new long[LatencyHistogram.BucketCount];
        foreach (AggregatedHistogram.Series series in histogram.Read().OrderBy(s => Convert.ToString(s.Tag.Value, CultureInfo.InvariantCulture), StringComparer.Ordinal))
        {
            Array.Clear(counts);
            series.Latency.CopyTo(counts);
            if (counts.AsSpan().IndexOfAnyExcept(0L) < 0)
            {
                continue;
            }
            KeyValuePair<string, object?>[] tags = [series.Tag];
            long cumulative = 0;
            int bucket = 0;
            for (int i = 0; i <= BoundsMicros.Length; i++)
            {
                int end = i < BoundsMicros.Length ? LatencyHistogram.IndexOf(BoundsMicros[i]) : counts.Length;
                for (; bucket < end; bucket++)
                {
                    cumulative += counts[bucket];
                }
                text.Append(name).Append("_bucket").Append(Labels(tags, "le", BoundLabels[i])).Append(' ')
                    .Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
            text.Append(name).Append("_sum").Append(Labels(tags, null, null)).Append(' ')
                .Append((series.Micros / 1_000_000.0).ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            text.Append(name).Append("_count").Append(Labels(tags, null, null)).Append(' ')
                .Append(cumulative.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private static void WriteHeader(StringBuilder text, string name, string? description, string type)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(description).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    private static void Record(Instrument instrument, double number, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        MetricSeries target = ((InstrumentSeries)state!).Get(tags);
        if (instrument is Counter<long> or Counter<double> or UpDownCounter<long>)
        {
            target.Add(number);
        }
        else
        {
            // Observable instruments report their current value.
            target.Set(number);
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
