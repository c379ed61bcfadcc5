using System.Globalization;
using System.Text;
using System.Text.Json;
using Slotgate.LoadBench.Running;

namespace Slotgate.LoadBench.Reporting;

/// <summary>Every sample of every round as JSON (with the run's context) and as CSV (one row per redis-benchmark run).</summary>
internal static class RawResultsWriter
{
    public static void WriteJson(RunReport report, string path)
    {
        using FileStream stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("startedAt", report.StartedAt);
        json.WriteString("command", report.CommandLine);
        json.WriteString("slotgate", report.SlotgatePath);
        json.WriteString("redisBenchmark", report.RedisBenchmarkVersion);
        json.WriteNumber("processorCount", Environment.ProcessorCount);
        json.WriteNumber("primaries", report.Primaries);
        json.WriteNumber("replicasPerPrimary", report.ReplicasPerPrimary);
        json.WriteNumber("rounds", report.Rounds);
        json.WriteBoolean("quick", report.Quick);
        json.WriteNumber("timeToReadyMs", Math.Round(report.TimeToReady.TotalMilliseconds, 1));
        if (report.IdleClients is { } idle)
        {
            json.WriteStartObject("idleClients");
            json.WriteNumber("clients", idle.Clients);
            json.WriteNumber("rssBeforeKiB", idle.RssBeforeKiB);
            json.WriteNumber("rssAfterKiB", idle.RssAfterKiB);
            json.WriteNumber("kibPerClient", Math.Round(idle.KiBPerClient, 2));
            json.WriteNumber("answeredAfterIdle", idle.AnsweredAfterIdle);
            json.WriteNumber("openSeconds", Math.Round(idle.OpenTime.TotalSeconds, 2));
            json.WriteEndObject();
        }
        else if (report.IdleClientsError is not null)
        {
            json.WriteString("idleClientsError", report.IdleClientsError);
        }
        if (report.PhpChurn is { } php)
        {
            json.WriteStartObject("phpChurn");
            json.WriteNumber("requests", php.Requests);
            if (php.Error is not null)
            {
                json.WriteString("error", php.Error);
            }
            json.WriteStartArray("directMicrosPerRequest");
            php.DirectMicros.ForEach(json.WriteNumberValue);
            json.WriteEndArray();
            json.WriteStartArray("proxyMicrosPerRequest");
            php.ProxyMicros.ForEach(json.WriteNumberValue);
            json.WriteEndArray();
            WriteCosts(json, php.ProxyCosts);
            json.WriteEndObject();
        }
        json.WriteStartArray("scenarios");
        foreach (ScenarioResult result in report.Scenarios)
        {
            json.WriteStartObject();
            json.WriteString("name", result.Scenario.Name);
            json.WriteString("description", result.Scenario.Description);
            json.WriteNumber("requests", result.Requests);
            json.WriteString("options", string.Join(' ', result.Scenario.Options));
            json.WriteString("directMode", result.Scenario.DirectMode.ToString());
            if (result.Scenario.DirectNote is not null)
            {
                json.WriteString("directNote", result.Scenario.DirectNote);
            }
            WriteTarget(json, "direct", result.Direct);
            WriteTarget(json, "proxy", result.Proxy);
            WriteCosts(json, result.ProxyCosts);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static void WriteCsv(RunReport report, string path)
    {
        var csv = new StringBuilder("scenario,target,round,rps,avg_ms,min_ms,p50_ms,p95_ms,p99_ms,max_ms\n");
        foreach (ScenarioResult result in report.Scenarios)
        {
            foreach ((string target, TargetSummary summary) in new[] { ("direct", result.Direct), ("proxy", result.Proxy) })
            {
                for (int i = 0; i < summary.Samples.Count; i++)
                {
                    BenchmarkSample s = summary.Samples[i];
                    csv.Append(CultureInfo.InvariantCulture,
                        $"{result.Scenario.Name},{target},{i + 1},{s.OpsPerSecond},{s.AvgMs},{s.MinMs},{s.P50Ms},{s.P95Ms},{s.P99Ms},{s.MaxMs}\n");
                }
            }
        }
        File.WriteAllText(path, csv.ToString());
    }

    /// <summary>The proxy's cost per request, one entry per round; null where perf could not count.</summary>
    private static void WriteCosts(Utf8JsonWriter json, IReadOnlyList<Probes.ProxyCost> costs)
    {
        json.WriteStartArray("proxyCostPerRequest");
        foreach (Probes.ProxyCost cost in costs)
        {
            json.WriteStartObject();
            json.WriteNumber("cpuMicros", Math.Round(cost.CpuMicros, 3));
            json.WriteNumber("userMicros", Math.Round(cost.UserMicros, 3));
            WriteOptional(json, "syscalls", cost.Syscalls);
            WriteOptional(json, "contextSwitches", cost.ContextSwitches);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, double? value)
    {
        if (value is double known)
        {
            json.WriteNumber(name, Math.Round(known, 3));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteTarget(Utf8JsonWriter json, string name, TargetSummary summary)
    {
        json.WriteStartObject(name);
        if (summary.Error is not null)
        {
            json.WriteString("error", summary.Error);
        }
        if (summary.HasResult)
        {
            json.WriteNumber("medianOpsPerSecond", Math.Round(summary.OpsPerSecond, 2));
            json.WriteNumber("medianP50Ms", summary.P50Ms);
            json.WriteNumber("medianP99Ms", summary.P99Ms);
        }
        json.WriteStartArray("samples");
        foreach (BenchmarkSample s in summary.Samples)
        {
            json.WriteStartObject();
            json.WriteNumber("rps", s.OpsPerSecond);
            json.WriteNumber("avgMs", s.AvgMs);
            json.WriteNumber("minMs", s.MinMs);
            json.WriteNumber("p50Ms", s.P50Ms);
            json.WriteNumber("p95Ms", s.P95Ms);
            json.WriteNumber("p99Ms", s.P99Ms);
            json.WriteNumber("maxMs", s.MaxMs);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
