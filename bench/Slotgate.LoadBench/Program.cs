using System.Runtime.InteropServices;
using Slotgate.Demo;
using Slotgate.LoadBench;
using Slotgate.LoadBench.Options;

(LoadBenchOptions options, IReadOnlyList<string> errors) = LoadBenchOptionsParser.Parse(args);
if (options.ShowHelp)
{
    Console.WriteLine(LoadBenchOptionsParser.Usage);
    return 0;
}
if (errors.Count > 0)
{
    foreach (string error in errors)
    {
        Console.Error.WriteLine(error);
    }
    Console.Error.WriteLine(LoadBenchOptionsParser.Usage);
    return 2;
}

// The first Ctrl-C (or SIGTERM) cancels the run so the cluster and proxy are stopped in order; a second one is left
// to terminate the process, and ChildProcessRegistry still kills the children on the way out.
using var cancellation = new CancellationTokenSource();
PosixSignalRegistration OnSignal(PosixSignal signal) => PosixSignalRegistration.Create(signal, context =>
{
    if (!cancellation.IsCancellationRequested)
    {
        context.Cancel = true;
        Console.Error.WriteLine("Stopping: cancelling the run and shutting down the cluster and proxy...");
        cancellation.Cancel();
    }
});
using PosixSignalRegistration sigint = OnSignal(PosixSignal.SIGINT);
using PosixSignalRegistration sigterm = OnSignal(PosixSignal.SIGTERM);

string commandLine = Environment.GetEnvironmentVariable("SLOTGATE_LOADBENCH_COMMAND") is { Length: > 0 } given
    ? given
    : "Slotgate.LoadBench " + string.Join(' ', args);
try
{
    return await new LoadBenchRunner(options, commandLine, Console.Error).RunAsync(cancellation.Token);
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled; cluster and proxy stopped.");
    return 130;
}
catch (Exception ex) when (ex is LoadBenchException or LocalClusterException)
{
    Console.Error.WriteLine($"load bench FAILED: {ex.Message}");
    return 1;
}
