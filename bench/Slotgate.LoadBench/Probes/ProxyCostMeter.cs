using System.Diagnostics;
using System.Globalization;

namespace Slotgate.LoadBench.Probes;

/// <summary>
/// Measures <see cref="ProxyCost"/> around one run: CPU ticks from /proc/PID/stat (every thread of the process), and
/// system calls and context switches from <c>perf stat -e raw_syscalls:sys_enter,context-switches -p PID</c>, the
/// kernel's own tracepoints, when perf is installed and allowed to read them. Start it right before the load and stop
/// it right after.
/// </summary>
internal sealed class ProxyCostMeter
{
    private const string Events = "raw_syscalls:sys_enter,context-switches";

    // Linux reports /proc times in clock ticks of USER_HZ, which is 100 on every architecture .NET runs on.
    private const double MicrosPerTick = 1_000_000.0 / 100;

    private readonly int _pid;
    private readonly (long Total, long User) _before;
    private readonly Process? _perf;

    private ProxyCostMeter(int pid, Process? perf)
    {
        _pid = pid;
        _perf = perf;
        _before = ReadTicks(pid);
    }

    /// <summary>Whether <c>perf</c> counted a tracepoint on this machine (checked once).</summary>
    public static bool PerfAvailable { get; } = ProbePerf();

    public static async Task<ProxyCostMeter> StartAsync(int pid, CancellationToken ct)
    {
        Process? perf = null;
        if (PerfAvailable)
        {
            perf = StartPerf(["stat", "-x", ",", "-e", Events, "-p", pid.ToString(CultureInfo.InvariantCulture)]);
            // perf attaches to every thread of the process before it counts; give it that moment.
            await Task.Delay(200, ct).ConfigureAwait(false);
        }
        return new ProxyCostMeter(pid, perf);
    }

    public async Task<ProxyCost> StopAsync(int requests)
    {
        (long total, long user) = ReadTicks(_pid);
        double? syscalls = null, switches = null;
        if (_perf is not null)
        {
            // perf stat prints its counts when interrupted, as on Ctrl-C.
            using (var kill = Process.Start("kill", ["-INT", _perf.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync().ConfigureAwait(false);
            }
            string output = await _perf.StandardError.ReadToEndAsync().ConfigureAwait(false);
            await _perf.WaitForExitAsync().ConfigureAwait(false);
            _perf.Dispose();
            syscalls = ReadCount(output, "raw_syscalls:sys_enter") / requests;
            switches = ReadCount(output, "context-switches") / requests;
        }
        return new ProxyCost((total - _before.Total) * MicrosPerTick / requests, (user - _before.User) * MicrosPerTick / requests,
            syscalls, switches);
    }

    /// <summary>utime + stime and utime, fields 14 and 15 of /proc/PID/stat (after the parenthesised name).</summary>
    private static (long Total, long User) ReadTicks(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long user = long.Parse(fields[11], CultureInfo.InvariantCulture);
        long system = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return (user + system, user);
    }

    /// <summary>The count of one event in <c>perf stat -x ,</c> output: "COUNT,UNIT,EVENT,...".</summary>
    internal static double? ReadCount(string perfOutput, string eventName)
    {
        foreach (string line in perfOutput.Split('\n'))
        {
            string[] fields = line.Split(',');
            if (fields.Length >= 3 && fields[2].Trim() == eventName
                && double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double count))
            {
                return count;
            }
        }
        return null;
    }

    private static bool ProbePerf()
    {
        try
        {
            using Process perf = StartPerf(["stat", "-x", ",", "-e", Events, "--", "true"]);
            string output = perf.StandardError.ReadToEnd();
            perf.WaitForExit();
            return perf.ExitCode == 0 && ReadCount(output, "raw_syscalls:sys_enter") is > 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static Process StartPerf(IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo("perf") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }
        return Process.Start(startInfo)!;
    }
}
