using System.Diagnostics;
using Slotgate.Demo;

namespace Slotgate.LoadBench.Running;

/// <summary>Waits for a started child process within a time limit and collects its output.</summary>
internal static class BoundedRun
{
    /// <summary>
    /// Standard output and error once <paramref name="process"/> exits; past <paramref name="timeout"/> the process
    /// tree is killed and a <see cref="LoadBenchException"/> names <paramref name="label"/>. While it runs, the process
    /// is in <see cref="ChildProcessRegistry"/>, so stopping the harness stops it too.
    /// </summary>
    public static async Task<(string Output, string Errors)> WaitAsync(Process process, string label, TimeSpan timeout, CancellationToken ct)
    {
        ChildProcessRegistry.Add(process);
        try
        {
            return await WaitRegisteredAsync(process, label, timeout, ct).ConfigureAwait(false);
        }
        finally
        {
            ChildProcessRegistry.Remove(process);
        }
    }

    private static async Task<(string Output, string Errors)> WaitRegisteredAsync(Process process, string label, TimeSpan timeout, CancellationToken ct)
    {
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        Task<string> stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            ct.ThrowIfCancellationRequested();
            throw new LoadBenchException($"{label}: did not finish within {timeout.TotalSeconds:0} s.");
        }
        return (await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}
