using System.Globalization;
using System.Text;

namespace Slotgate.LoadBench.Reporting;

/// <summary>The results table and the run's context, in Markdown, to paste into a README or a pull request.</summary>
internal static class MarkdownReport
{
    public static string Render(RunReport report)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        var md = new StringBuilder();
        md.Append(inv, $"Run {report.StartedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC: `{report.CommandLine}`  \n");
        md.Append(inv, $"{Environment.ProcessorCount} CPUs, {report.RedisBenchmarkVersion}, cluster of {report.Primaries} primaries");
        md.Append(inv, $" with {report.ReplicasPerPrimary} replica(s) each, all on 127.0.0.1; ");
        md.Append(inv, $"{report.Rounds} round(s) alternating direct/proxy, median shown{(report.Quick ? "; --quick: short runs, indicative only" : "")}.\n\n");

        md.Append("| Scenario | Direct ops/s | Proxy ops/s | Proxy/direct | Direct p50/p99 ms | Proxy p50/p99 ms |" + CostColumns.Header + "\n");
        md.Append("| --- | ---: | ---: | ---: | ---: | ---: |" + CostColumns.Alignment + "\n");
        foreach (ScenarioResult result in report.Scenarios)
        {
            string name = result.Scenario.DirectNote is null ? result.Scenario.Name : result.Scenario.Name + " *";
            md.Append(inv, $"| {name} | {Ops(result.Direct)} | {Ops(result.Proxy)} | ");
            md.Append(result.Ratio is double ratio ? ratio.ToString("0.00", inv) : "n/a");
            md.Append(inv, $" | {Latency(result.Direct)} | {Latency(result.Proxy)} |");
            md.Append(CostColumns.Render(result.ProxyCosts)).Append('\n');
        }

        List<ScenarioResult> noted = [.. report.Scenarios.Where(r => r.Scenario.DirectNote is not null)];
        if (noted.Count > 0)
        {
            md.Append('\n');
            foreach (ScenarioResult result in noted)
            {
                md.Append(inv, $"\\* {result.Scenario.Name}: {result.Scenario.DirectNote}.  \n");
            }
        }

        List<string> errors = [.. report.Scenarios.SelectMany(r => new[] { (r, "direct", r.Direct.Error), (r, "proxy", r.Proxy.Error) })
            .Where(e => e.Item3 is not null)
            .Select(e => $"{e.r.Scenario.Name} ({e.Item2}): {FirstLine(e.Item3!)}")];
        if (errors.Count > 0)
        {
            md.Append("\nFailed runs:\n\n");
            foreach (string error in errors)
            {
                md.Append(inv, $"- {error}\n");
            }
        }

        if (report.PhpChurn is { } php)
        {
            RenderPhpChurn(md, php);
        }

        md.Append('\n');
        md.Append(inv, $"Time to ready (process start to first PONG): {report.TimeToReady.TotalMilliseconds:0} ms.  \n");
        if (report.IdleClients is { } idle)
        {
            md.Append(inv, $"Idle clients: {idle.Clients:N0} connections, RSS {idle.RssBeforeKiB:N0} KiB before, {idle.RssAfterKiB:N0} KiB after: ");
            md.Append(inv, $"{idle.KiBPerClient:0.0} KiB per connection; {idle.AnsweredAfterIdle:N0} of {idle.Clients:N0} answered PING after idling.\n");
        }
        else if (report.IdleClientsError is not null)
        {
            md.Append(inv, $"Idle clients: failed: {FirstLine(report.IdleClientsError)}\n");
        }
        return md.ToString();
    }

    private static void RenderPhpChurn(StringBuilder md, PhpChurnResult php)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        md.Append(inv, $"\nPHP-FPM churn: one PHP process, {php.Requests:N0} sequential requests per round, each connecting, doing SET and GET, ");
        md.Append("and closing (phpredis; direct is `RedisCluster`, which rediscovers the slots on every request).\n\n");
        md.Append("| Scenario | RedisCluster direct µs/req | Redis via Slotgate µs/req | Proxy/direct latency |" + CostColumns.Header + "\n");
        md.Append("| --- | ---: | ---: | ---: |" + CostColumns.Alignment + "\n");
        if (php.Error is not null && php.ProxyMicros.Count == 0)
        {
            md.Append(inv, $"| php-churn | error | error | n/a | n/a | n/a | n/a |\n\nphp-churn failed: {FirstLine(php.Error)}\n");
            return;
        }
        double direct = Median.Of(php.DirectMicros), proxy = Median.Of(php.ProxyMicros);
        md.Append(inv, $"| php-churn | {direct:0.0} | {proxy:0.0} | {proxy / direct:0.00} |").Append(CostColumns.Render(php.ProxyCosts)).Append('\n');
    }

    private static string Ops(TargetSummary summary) =>
        summary.Error is not null ? "error" : summary.HasResult ? summary.OpsPerSecond.ToString("N0", CultureInfo.InvariantCulture) : "n/a";

    private static string Latency(TargetSummary summary) =>
        summary.HasResult
            ? string.Create(CultureInfo.InvariantCulture, $"{summary.P50Ms:0.###} / {summary.P99Ms:0.###}")
            : summary.Error is not null ? "error" : "n/a";

    private static string FirstLine(string text)
    {
        int newline = text.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? text : text[..newline];
    }
}
