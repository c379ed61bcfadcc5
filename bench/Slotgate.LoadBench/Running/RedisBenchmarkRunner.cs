using System.Diagnostics;
using System.Globalization;

namespace Slotgate.LoadBench.Running;

/// <summary>Runs one redis-benchmark invocation with a time limit and turns its CSV into a sample.</summary>
internal sealed class RedisBenchmarkRunner(string redisBenchmarkPath, TimeSpan timeout)
{
    public async Task<BenchmarkSample> RunAsync(int port, bool clusterMode, int requests, IReadOnlyList<string> options,
        IReadOnlyList<string> command, CancellationToken ct)
    {
        var arguments = new List<string> { "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture) };
        if (clusterMode)
        {
            arguments.Add("--cluster");
        }
        arguments.AddRange(["-n", requests.ToString(CultureInfo.InvariantCulture), "--csv"]);
        arguments.AddRange(options);
        arguments.AddRange(command);
        string commandLine = "redis-benchmark " + string.Join(' ', arguments);

        var startInfo = new ProcessStartInfo(redisBenchmarkPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new LoadBenchException($"cannot start '{redisBenchmarkPath}': {ex.Message} (install redis-tools, or pass --redis-benchmark PATH)", ex);
        }
        (string output, string errors) = await BoundedRun.WaitAsync(process, commandLine, timeout, ct).ConfigureAwait(false);
        // Ctrl-C in a terminal reaches the whole process group, so redis-benchmark may die of it before this
        // process has seen the signal: give the cancellation a moment so the run stops instead of "failing".
        if (process.ExitCode is 130 or 143)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
        }
        BenchmarkSample? sample = RedisBenchmarkCsv.ParseFirstRow(output);
        // redis-benchmark 7 stops at the first error reply and prints no result row, so a missing row means the
        // target answered with an error (or died): never count such a run.
        if (sample is null || process.ExitCode != 0)
        {
            throw new LoadBenchException(
                $"{commandLine}: no result (exit code {process.ExitCode}).\n{Tail(errors)}{Tail(output)}");
        }
        return sample;
    }

    private static string Tail(string text)
    {
        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Length == 0 ? "" : string.Join('\n', lines.TakeLast(10)) + "\n";
    }
}
