using System.Globalization;

namespace Slotgate.LoadBench.Running;

/// <summary>
/// Reads redis-benchmark's <c>--csv</c> output. Since Redis 7 it is a header row
/// (<c>"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"</c>)
/// and one row per test; columns are looked up by name so a reordered or extended header still parses.
/// </summary>
internal static class RedisBenchmarkCsv
{
    /// <summary>The first data row, or null when there is none (redis-benchmark 7 exits without one on an error reply).</summary>
    public static BenchmarkSample? ParseFirstRow(string output)
    {
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        int headerIndex = Array.FindIndex(lines, l => l.StartsWith("\"test\"", StringComparison.Ordinal));
        if (headerIndex < 0 || headerIndex + 1 >= lines.Length)
        {
            return null;
        }
        string[] header = SplitRow(lines[headerIndex]);
        string[] row = SplitRow(lines[headerIndex + 1]);
        if (row.Length != header.Length)
        {
            return null;
        }

        double Column(string name)
        {
            int index = Array.IndexOf(header, name);
            if (index < 0)
            {
                throw new FormatException($"redis-benchmark CSV has no '{name}' column; header: {lines[headerIndex]}");
            }
            return double.Parse(row[index], NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return new BenchmarkSample(
            Column("rps"),
            Column("avg_latency_ms"),
            Column("min_latency_ms"),
            Column("p50_latency_ms"),
            Column("p95_latency_ms"),
            Column("p99_latency_ms"),
            Column("max_latency_ms"));
    }

    // Test names are custom command lines and may contain commas, so split on the quoted separator only.
    private static string[] SplitRow(string line) =>
        line.Trim().Trim('"').Split("\",\"", StringSplitOptions.None);
}
