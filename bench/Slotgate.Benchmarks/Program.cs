using BenchmarkDotNet.Running;

namespace Slotgate.Benchmarks;

internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "alloc-trace")
        {
            return await AllocationTrace.RunAsync(args[1..]);
        }
        if (args.Length > 0 && args[0] == "scaling")
        {
            return ScalingRun.Run(args[1..]);
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
