using System.Runtime.InteropServices;

namespace Slotgate.Hosting;

/// <summary>
/// Raises the process's soft limit on open files to its hard limit at start-up, as redis-server does for maxclients:
/// every client and backend connection is a file descriptor, and the usual soft default of 1024 would cap Slotgate at
/// about a thousand clients.
/// </summary>
internal static partial class OpenFileLimit
{
    private const int RlimitNofile = 7; // Linux RLIMIT_NOFILE

    /// <summary>Raises the soft limit; returns the limit now in force, or null where it cannot be read (not Linux).</summary>
    public static ulong? Raise()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }
        try
        {
            if (GetRLimit(RlimitNofile, out RLimit limit) != 0)
            {
                return null;
            }
            if (limit.Current < limit.Maximum)
            {
                var raised = new RLimit { Current = limit.Maximum, Maximum = limit.Maximum };
                if (SetRLimit(RlimitNofile, in raised) == 0)
                {
                    return raised.Current;
                }
            }
            return limit.Current;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit")]
    private static partial int GetRLimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit")]
    private static partial int SetRLimit(int resource, in RLimit limit);
}
