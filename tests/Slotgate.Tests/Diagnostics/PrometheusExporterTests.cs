using System.Diagnostics;
using System.Diagnostics.Metrics;
using Slotgate.Diagnostics;

namespace Slotgate.Tests.Diagnostics;

/// <summary>The exporter over one server's metrics, without a server: what a scrape shows for known recordings.</summary>
public class PrometheusExporterTests
{
    [Fact]
    public void Render_KnownLatencies_BucketsAreExactAndCumulative()
    {
        using var metrics = new SlotgateMetrics();
        using var exporter = new PrometheusExporter(metrics);
        CommandStat get = metrics.Commands.Other;
        foreach (long micros in new long[] { 10, 31, 32, 100, 5_000, 20_000_000 })
        {
            Answer(metrics, get, micros, CommandResult.Ok);
        }

        string scrape = exporter.Render();

        const string name = "slotgate_command_duration_seconds";
        Assert.Equal(2, AdminClient.Sample(scrape, $"{name}_bucket{{command=\"other\",le=\"0.000032\"}}"));
        Assert.Equal(4, AdminClient.Sample(scrape, $"{name}_bucket{{command=\"other\",le=\"0.000128\"}}"));
        Assert.Equal(5, AdminClient.Sample(scrape, $"{name}_bucket{{command=\"other\",le=\"0.008192\"}}"));
        Assert.Equal(5, AdminClient.Sample(scrape, $"{name}_bucket{{command=\"other\",le=\"8.388608\"}}"));
        Assert.Equal(6, AdminClient.Sample(scrape, $"{name}_bucket{{command=\"other\",le=\"+Inf\"}}"));
        Assert.Equal(6, AdminClient.Sample(scrape, $"{name}_count{{command=\"other\"}}"));
        Assert.Equal(20.005173, AdminClient.Sample(scrape, $"{name}_sum{{command=\"other\"}}")!.Value, 6);
        Assert.Equal(6, AdminClient.Sample(scrape, "slotgate_commands_total{command=\"other\",result=\"ok\"}"));
    }

    [Fact]
    public void Render_ResultsAndNodes_OneSeriesPerLabelSetThatCounted()
    {
        using var metrics = new SlotgateMetrics();
        using var exporter = new PrometheusExporter(metrics);
        CommandStat other = metrics.Commands.Other;
        Answer(metrics, other, 50, CommandResult.Ok);
        Answer(metrics, other, 50, CommandResult.Error);
        Answer(metrics, other, 50, CommandResult.Timeout);
        Answer(metrics, other, 50, CommandResult.Timeout);
        NodeStat node = metrics.Node("127.0.0.1:7000");
        long now = Stopwatch.GetTimestamp();
        metrics.BackendReplied(node, now, now, error: false);
        metrics.BackendReplied(node, now, now, error: true);
        metrics.BackendReplied(node, now, now, error: false);
        metrics.Node("127.0.0.1:7001"); // known, never answered: no series

        string scrape = exporter.Render();

        Assert.Equal(1, AdminClient.Sample(scrape, "slotgate_commands_total{command=\"other\",result=\"ok\"}"));
        Assert.Equal(1, AdminClient.Sample(scrape, "slotgate_commands_total{command=\"other\",result=\"error\"}"));
        Assert.Equal(2, AdminClient.Sample(scrape, "slotgate_commands_total{command=\"other\",result=\"timeout\"}"));
        Assert.Null(AdminClient.Sample(scrape, "slotgate_commands_total{command=\"other\",result=\"redirect\"}"));
        Assert.Equal(2, AdminClient.Sample(scrape, "slotgate_backend_requests_total{node=\"127.0.0.1:7000\",result=\"ok\"}"));
        Assert.Equal(1, AdminClient.Sample(scrape, "slotgate_backend_requests_total{node=\"127.0.0.1:7000\",result=\"error\"}"));
        Assert.Equal(3, AdminClient.Sample(scrape, "slotgate_backend_duration_seconds_count{node=\"127.0.0.1:7000\"}"));
        Assert.DoesNotContain("127.0.0.1:7001", scrape, StringComparison.Ordinal);
        Assert.Equal(4, metrics.CommandsTotal);
        Assert.Equal(3, metrics.ErrorReplies);
        Assert.Contains("# TYPE slotgate_backend_duration_seconds histogram", scrape, StringComparison.Ordinal);
        Assert.Contains("# TYPE slotgate_backend_requests_total counter", scrape, StringComparison.Ordinal);
    }

    [Fact]
    public void Exporter_OnlyListener_DurationHistogramsStayDisabled()
    {
        // The exporter renders the histograms from the aggregates; measurements are pushed only for another listener (OTLP).
        using var metrics = new SlotgateMetrics();
        using var exporter = new PrometheusExporter(metrics);
        Assert.All(metrics.AggregatedHistograms, h => Assert.False(h.Instrument.Enabled));

        using var other = new MeterListener();
        long pushed = 0;
        other.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        other.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref pushed));
        other.Start();
        Answer(metrics, metrics.Commands.Other, 10, CommandResult.Ok);
        Assert.Equal(1, pushed);
    }

    private static void Answer(SlotgateMetrics metrics, CommandStat stat, long micros, CommandResult result)
    {
        metrics.CommandRead(10);
        long end = Stopwatch.GetTimestamp();
        long start = end - (long)(micros * (Stopwatch.Frequency / 1_000_000.0));
        metrics.CommandAnswered(stat, 10, start, end, result, rejected: false);
    }
}
