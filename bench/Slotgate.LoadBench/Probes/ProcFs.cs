using System.Globalization;

namespace Slotgate.LoadBench.Probes;

/// <summary>Figures about another process from Linux's /proc, which needs no cooperation from that process.</summary>
internal static class ProcFs
{
    /// <summary>Resident set size in KiB (<c>VmRSS</c> in /proc/PID/status).</summary>
    public static long ReadRssKiB(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                string number = line["VmRSS:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return long.Parse(number, NumberStyles.None, CultureInfo.InvariantCulture);
            }
        }
        throw new LoadBenchException($"/proc/{pid}/status has no VmRSS line; is the process still running?");
    }

    /// <summary>The soft limit on open files (<c>Max open files</c> in /proc/PID/limits); long.MaxValue for unlimited.</summary>
    public static long ReadOpenFilesLimit(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/limits"))
        {
            if (line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                string soft = line["Max open files".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return soft == "unlimited" ? long.MaxValue : long.Parse(soft, NumberStyles.None, CultureInfo.InvariantCulture);
            }
        }
        throw new LoadBenchException($"/proc/{pid}/limits has no 'Max open files' line.");
    }
}
