using System.Collections.Concurrent;
using System.Diagnostics;

namespace Slotgate.Demo;

/// <summary>
/// Tracks every redis-server this process started and kills them when the process exits, so a test run that ends
/// without disposing its clusters (an assertion in a fixture, Ctrl+C in the demo) does not leave servers behind
/// holding ports. It cannot help when the host is killed with SIGKILL; the temp directories then stay too.
/// </summary>
internal static class ChildProcessRegistry
{
    private static readonly ConcurrentDictionary<int, Process> Live = new();

    static ChildProcessRegistry()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
    }

    public static void Add(Process process) => Live[process.Id] = process;

    public static void Remove(Process process) => Live.TryRemove(process.Id, out _);

    private static void KillAll()
    {
        foreach (Process process in Live.Values)
        {
            try
            {
                process.Kill();
            }
            catch (InvalidOperationException)
            {
                // Already gone: nothing to clean up.
            }
        }
    }
}
