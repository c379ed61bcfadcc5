using System.Diagnostics;
using System.Globalization;

namespace Slotgate.LoadBench.Probes;

/// <summary>
/// The PHP-FPM pattern (<c>bench/php/churn.php</c>): one PHP process whose every request connects, does SET and GET,
/// and closes, run sequentially. Directly, phpredis's <c>RedisCluster</c> rediscovers the slots on every request;
/// through Slotgate, phpredis's plain <c>Redis</c> talks to one address.
/// </summary>
internal static class PhpChurnProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    /// <summary>Mean microseconds per request, as the script measured them.</summary>
    public static async Task<double> RunAsync(string script, bool cluster, int port, int requests, CancellationToken ct)
    {
        var startInfo = new ProcessStartInfo("php") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        startInfo.ArgumentList.Add(script);
        startInfo.ArgumentList.Add(cluster ? "cluster" : "single");
        startInfo.ArgumentList.Add(string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}"));
        startInfo.ArgumentList.Add(requests.ToString(CultureInfo.InvariantCulture));
        Process process;
        try
        {
            process = Process.Start(startInfo)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new LoadBenchException($"cannot run php: {ex.Message} (apt-get install -y php-cli php-redis; bench/run.sh does)", ex);
        }
        using (process)
        {
            string label = $"php churn ({(cluster ? "RedisCluster" : "Redis")})";
            (string text, string errors) = await Running.BoundedRun.WaitAsync(process, label, Timeout, ct).ConfigureAwait(false);
            string output = text.Trim();
            if (process.ExitCode != 0 || !double.TryParse(output, NumberStyles.Float, CultureInfo.InvariantCulture, out double micros))
            {
                throw new LoadBenchException(
                    $"{label}: exit code {process.ExitCode}: {output} {errors.Trim()}");
            }
            return micros;
        }
    }
}
