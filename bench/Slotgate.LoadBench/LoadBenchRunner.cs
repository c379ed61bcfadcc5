using System.Diagnostics;
using System.Globalization;
using System.Text;
using Slotgate.Cluster;
using Slotgate.Demo;
using Slotgate.LoadBench.Options;
using Slotgate.LoadBench.Probes;
using Slotgate.LoadBench.Reporting;
using Slotgate.LoadBench.Running;
using Slotgate.LoadBench.Scenarios;

namespace Slotgate.LoadBench;

/// <summary>
/// One benchmark run: a local cluster, Slotgate as a separate process in front of it, every scenario against both
/// (alternating, so drift in machine load hits both columns alike), the idle-connection memory probe, then the reports.
/// </summary>
internal sealed class LoadBenchRunner(LoadBenchOptions options, string commandLine, TextWriter log)
{
    private const int Primaries = 3;

    /// <summary>0 when every measurement succeeded, 1 when some failed (the reports still show the rest).</summary>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        (IReadOnlyList<Scenario> scenarios, IReadOnlyList<string> unknown) = ScenarioCatalog.Select(options.Scenarios);
        if (unknown.Count > 0)
        {
            throw new LoadBenchException(
                $"--scenarios: unknown {string.Join(", ", unknown)}; known: {string.Join(", ", ScenarioCatalog.All.Select(s => s.Name))}.");
        }
        // Checked before the cluster is built, so a wrong path costs no time.
        if (!File.Exists(options.SlotgatePath))
        {
            throw new LoadBenchException($"--slotgate: '{Path.GetFullPath(options.SlotgatePath)}' does not exist; publish Slotgate first (bench/run.sh does).");
        }
        string redisBenchmarkVersion = await ReadRedisBenchmarkVersionAsync(ct).ConfigureAwait(false);
        Directory.CreateDirectory(options.OutputDirectory);
        DateTimeOffset startedAt = DateTimeOffset.UtcNow;

        log.WriteLine($"Starting a local Redis Cluster: {Primaries} primaries, {options.ReplicasPerPrimary} replica(s) each...");
        await using LocalRedisCluster cluster = await LocalRedisCluster.StartAsync(
            new LocalClusterOptions { Primaries = Primaries, ReplicasPerPrimary = options.ReplicasPerPrimary }, ct).ConfigureAwait(false);
        log.WriteLine($"Cluster up: {string.Join(", ", cluster.SeedEndpoints)}");

        int proxyPort = LocalPortAllocator.ReservePort();
        await using ProxyProcess proxy = await ProxyProcess.StartAsync(options.SlotgatePath, cluster.SeedEndpoints, proxyPort, ct).ConfigureAwait(false);
        log.WriteLine($"Slotgate (pid {proxy.ProcessId}) on 127.0.0.1:{proxy.Port}: ready {proxy.TimeToReady.TotalMilliseconds:0} ms after start.");

        int clusterPort = cluster.Primaries[0].Port;
        int singleKeyOwnerPort = (await cluster.GetSlotOwnerAsync(HashSlot.Of(Encoding.ASCII.GetBytes(ScenarioCatalog.SingleKey)), ct).ConfigureAwait(false)).Port;
        var runner = new RedisBenchmarkRunner(options.RedisBenchmarkPath, options.BenchmarkTimeout);
        var results = new List<ScenarioResult>();
        for (int s = 0; s < scenarios.Count; s++)
        {
            Scenario scenario = scenarios[s];
            var result = new ScenarioResult(scenario, scenario.RequestsFor(options.Quick));
            results.Add(result);
            for (int round = 1; round <= options.Rounds; round++)
            {
                string prefix = $"[{s + 1}/{scenarios.Count}] {scenario.Name} round {round}/{options.Rounds}";
                bool clusterMode = scenario.DirectMode == DirectMode.ClusterAware;
                int directPort = clusterMode ? clusterPort : singleKeyOwnerPort;
                await MeasureAsync(prefix + " direct", result.Direct,
                    () => runner.RunAsync(directPort, clusterMode, result.Requests, scenario.Options, scenario.EffectiveDirectCommand, ct)).ConfigureAwait(false);
                ProxyCostMeter meter = await ProxyCostMeter.StartAsync(proxy.ProcessId, ct).ConfigureAwait(false);
                await MeasureAsync(prefix + " proxy ", result.Proxy,
                    () => runner.RunAsync(proxy.Port, clusterMode: false, result.Requests, scenario.Options, scenario.ProxyCommand, ct)).ConfigureAwait(false);
                result.ProxyCosts.Add(await meter.StopAsync(result.Requests).ConfigureAwait(false));
                if (proxy.HasExited)
                {
                    throw new LoadBenchException($"slotgate exited during {scenario.Name}:\n{proxy.OutputTail()}");
                }
            }
        }

        PhpChurnResult? php = null;
        if (options.PhpRequests > 0)
        {
            php = await RunPhpChurnAsync(clusterPort, proxy, ct).ConfigureAwait(false);
        }

        IdleConnectionResult? idle = null;
        string? idleError = null;
        if (options.IdleClients > 0)
        {
            log.WriteLine($"Opening {options.IdleClients:N0} idle connections to Slotgate...");
            try
            {
                idle = await IdleConnectionProbe.RunAsync(proxy, options.IdleClients, ct).ConfigureAwait(false);
                log.WriteLine($"Idle clients: {idle.KiBPerClient:0.0} KiB each; {idle.AnsweredAfterIdle:N0} of {idle.Clients:N0} answered after idling.");
            }
            catch (LoadBenchException ex)
            {
                idleError = ex.Message;
                log.WriteLine($"Idle clients FAILED: {ex.Message}");
            }
        }

        var report = new RunReport
        {
            StartedAt = startedAt,
            CommandLine = commandLine,
            RedisBenchmarkVersion = redisBenchmarkVersion,
            Primaries = Primaries,
            ReplicasPerPrimary = options.ReplicasPerPrimary,
            Rounds = options.Rounds,
            Quick = options.Quick,
            SlotgatePath = Path.GetFileName(options.SlotgatePath),
            TimeToReady = proxy.TimeToReady,
            Scenarios = results,
            PhpChurn = php,
            IdleClients = idle,
            IdleClientsError = idleError,
        };
        string markdown = MarkdownReport.Render(report);
        await File.WriteAllTextAsync(Path.Combine(options.OutputDirectory, "results.md"), markdown, ct).ConfigureAwait(false);
        RawResultsWriter.WriteJson(report, Path.Combine(options.OutputDirectory, "results.json"));
        RawResultsWriter.WriteCsv(report, Path.Combine(options.OutputDirectory, "results.csv"));
        string? plotError = null;
        try
        {
            await GnuplotChart.WriteAsync(report, options.OutputDirectory, ct).ConfigureAwait(false);
        }
        catch (LoadBenchException ex)
        {
            plotError = ex.Message;
        }

        log.WriteLine();
        Console.Out.Write(markdown);
        log.WriteLine();
        log.WriteLine($"Wrote results.md, results.json, results.csv{(plotError is null ? " and results.png" : "")} to {options.OutputDirectory}.");

        bool measurementFailed = results.Any(r => r.Direct.Error is not null || r.Proxy.Error is not null) || idleError is not null
            || php?.Error is not null
            || (idle is not null && idle.AnsweredAfterIdle != idle.Clients);
        if (plotError is not null)
        {
            log.WriteLine($"FAILED: {plotError}");
        }
        if (measurementFailed)
        {
            log.WriteLine("FAILED: some measurements did not complete or idle clients were not all served; see the report above.");
        }
        return measurementFailed || plotError is not null ? 1 : 0;
    }

    /// <summary>The PHP-FPM churn probe, alternating RedisCluster direct and Redis through Slotgate round by round.</summary>
    private async Task<PhpChurnResult> RunPhpChurnAsync(int clusterPort, ProxyProcess proxy, CancellationToken ct)
    {
        int requests = options.Quick ? Math.Max(100, options.PhpRequests / 10) : options.PhpRequests;
        var result = new PhpChurnResult(requests);
        string script = Path.Combine("bench", "php", "churn.php");
        try
        {
            for (int round = 1; round <= options.Rounds; round++)
            {
                double direct = await PhpChurnProbe.RunAsync(script, cluster: true, clusterPort, requests, ct).ConfigureAwait(false);
                result.DirectMicros.Add(direct);
                ProxyCostMeter meter = await ProxyCostMeter.StartAsync(proxy.ProcessId, ct).ConfigureAwait(false);
                double viaProxy = await PhpChurnProbe.RunAsync(script, cluster: false, proxy.Port, requests, ct).ConfigureAwait(false);
                // Each request is one connection with two commands; the cost is per request (connection) here.
                result.ProxyCosts.Add(await meter.StopAsync(requests).ConfigureAwait(false));
                result.ProxyMicros.Add(viaProxy);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"php churn round {round}/{options.Rounds}: RedisCluster direct {direct:0.0} µs/request, Redis via Slotgate {viaProxy:0.0} µs/request"));
            }
        }
        catch (LoadBenchException ex)
        {
            result.Error = ex.Message;
            log.WriteLine($"php churn FAILED: {ex.Message}");
        }
        return result;
    }

    private async Task MeasureAsync(string label, TargetSummary summary, Func<Task<BenchmarkSample>> run)
    {
        if (summary.Error is not null)
        {
            return;
        }
        try
        {
            BenchmarkSample sample = await run().ConfigureAwait(false);
            summary.Add(sample);
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{label}: {sample.OpsPerSecond,12:N0} ops/s  p50 {sample.P50Ms:0.###} ms  p99 {sample.P99Ms:0.###} ms"));
        }
        catch (LoadBenchException ex)
        {
            // One failed scenario should not throw away the others' numbers; it shows as "error" and fails the run.
            summary.Fail(ex.Message);
            log.WriteLine($"{label}: FAILED: {ex.Message}");
        }
    }

    private async Task<string> ReadRedisBenchmarkVersionAsync(CancellationToken ct)
    {
        var startInfo = new ProcessStartInfo(options.RedisBenchmarkPath) { RedirectStandardOutput = true, UseShellExecute = false };
        startInfo.ArgumentList.Add("--version");
        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new LoadBenchException(
                $"cannot run '{options.RedisBenchmarkPath}': {ex.Message}; install redis-tools (bench/run.sh does) or pass --redis-benchmark PATH.", ex);
        }
        string version = (await process.StandardOutput.ReadToEndAsync(ct).ConfigureAwait(false)).Trim();
        await process.WaitForExitAsync(ct).ConfigureAwait(false);
        return version.Length == 0 ? "redis-benchmark (unknown version)" : version;
    }
}
