namespace Slotgate.LoadBench.Probes;

/// <summary>
/// What one run cost the Slotgate process per request: CPU time (all of it, and the user-mode part, which is Slotgate's
/// own code), and, when <c>perf</c> can read the kernel's tracepoints, system calls and context switches.
/// </summary>
internal sealed record ProxyCost(double CpuMicros, double UserMicros, double? Syscalls, double? ContextSwitches);
