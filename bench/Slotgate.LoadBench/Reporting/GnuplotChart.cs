using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Slotgate.LoadBench.Reporting;

/// <summary>
/// Grouped bars of median ops/s, direct next to proxy, per scenario, drawn by gnuplot (a Debian package, so the harness
/// needs no native plotting library). The data and script are kept beside the PNG so the chart can be redrawn or restyled.
/// </summary>
internal static class GnuplotChart
{
    public static async Task WriteAsync(RunReport report, string directory, CancellationToken ct)
    {
        string dataPath = Path.Combine(directory, "results.dat");
        string scriptPath = Path.Combine(directory, "results.gp");
        string pngPath = Path.Combine(directory, "results.png");

        var data = new StringBuilder("# scenario direct_ops proxy_ops (median; 0 = no result)\n");
        foreach (ScenarioResult result in report.Scenarios)
        {
            data.Append(CultureInfo.InvariantCulture,
                $"\"{result.Scenario.Name}\" {Value(result.Direct):0} {Value(result.Proxy):0}\n");
        }
        await File.WriteAllTextAsync(dataPath, data.ToString(), ct).ConfigureAwait(false);

        string title = string.Create(CultureInfo.InvariantCulture,
            $"Slotgate vs direct cluster: median ops/s, {report.Rounds} round(s), {report.StartedAt.UtcDateTime:yyyy-MM-dd}{(report.Quick ? " (quick)" : "")}");
        string script = $$"""
            set terminal pngcairo size 1400,700 font "sans,11"
            set output "results.png"
            set title "{{title}}" noenhanced
            set style data histograms
            set style histogram clustered gap 1
            set style fill solid 0.85 border -1
            set boxwidth 0.9
            set grid ytics
            set ylabel "thousand requests per second (median)"
            set format y "%.0f"
            set yrange [0:*]
            set xtics rotate by -30 noenhanced
            set key top right
            set offsets 0, 0, graph 0.08, 0
            # Clustered bars of two series with gap 1 sit at x-1/6 and x+1/6; the labels give the exact figures.
            plot "results.dat" using ($2/1000):xtic(1) title "direct (cluster-aware)" linecolor rgb "#4C72B0", \
                 "" using ($3/1000) title "through Slotgate" linecolor rgb "#DD8452", \
                 "" using ($0-1.0/6):($2/1000):(sprintf("%.0f", $2/1000)) with labels offset 0,0.7 font ",9" notitle, \
                 "" using ($0+1.0/6):($3/1000):(sprintf("%.0f", $3/1000)) with labels offset 0,0.7 font ",9" notitle
            """;
        await File.WriteAllTextAsync(scriptPath, script + "\n", ct).ConfigureAwait(false);

        // Run in the output directory: the script names its files relatively, so the folder can be moved and redrawn.
        var startInfo = new ProcessStartInfo("gnuplot")
        {
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetFullPath(directory),
        };
        startInfo.ArgumentList.Add("results.gp");
        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new LoadBenchException($"plot: cannot run gnuplot ({ex.Message}); install gnuplot-nox (bench/run.sh does), or plot {dataPath} yourself.", ex);
        }
        string errors = await process.StandardError.ReadToEndAsync(ct).ConfigureAwait(false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        if (process.ExitCode != 0 || !File.Exists(pngPath))
        {
            throw new LoadBenchException($"plot: gnuplot {scriptPath} failed (exit code {process.ExitCode}): {errors}");
        }
    }

    private static double Value(TargetSummary summary) => summary.HasResult ? summary.OpsPerSecond : 0;
}
