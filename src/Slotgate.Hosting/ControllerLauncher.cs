using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Slotgate.Hosting;

/// <summary>
/// <c>slotgate controller [options]</c>: runs the Gateway API controller, which ships as its own executable
/// (<c>slotgate-controller</c>) because the Kubernetes client library cannot be linked into the Native AOT proxy
/// (docs/decisions.md). Looked up beside this executable, then on PATH; stdio is shared and SIGTERM passed on.
/// </summary>
internal static class ControllerLauncher
{
    public const string ExecutableName = "slotgate-controller";

    /// <param name="directories">Where to look; by default beside this executable, then on PATH.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter error, IEnumerable<string>? directories = null)
    {
        directories ??= [AppContext.BaseDirectory, .. (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)];
        if (Find(directories) is not { } start)
        {
            error.WriteLine($"slotgate: '{ExecutableName}' was not found beside slotgate or on PATH. The Gateway API controller is its own " +
                "program (image built from Dockerfile.controller; `dotnet publish src/Slotgate.Controller`).");
            return 2;
        }
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using Process controller = Process.Start(start) ?? throw new InvalidOperationException($"{ExecutableName} did not start");
        // Kubernetes stops a pod with SIGTERM: the controller must get it too, or the pod waits out its grace period.
        using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            controller.Kill(entireProcessTree: true);
        });
        await controller.WaitForExitAsync().ConfigureAwait(false);
        return controller.ExitCode;
    }

    /// <summary>The controller in the first of <paramref name="directories"/> that has it: its apphost, or its dll run by <c>dotnet</c>.</summary>
    public static ProcessStartInfo? Find(IEnumerable<string> directories)
    {
        foreach (string directory in directories.Where(d => d.Length > 0))
        {
            string apphost = Path.Combine(directory, ExecutableName);
            if (File.Exists(apphost))
            {
                return new ProcessStartInfo(apphost) { UseShellExecute = false };
            }
            string dll = apphost + ".dll";
            if (File.Exists(dll))
            {
                var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
                start.ArgumentList.Add(dll);
                return start;
            }
        }
        return null;
    }
}
