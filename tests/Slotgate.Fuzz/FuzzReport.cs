namespace Slotgate.Fuzz;

/// <summary>The result of a campaign: inputs run, time taken, and the inputs that broke an invariant.</summary>
public sealed record FuzzReport(string Target, long Inputs, TimeSpan Elapsed, IReadOnlyList<FuzzFailure> Failures, long ManagedBytesBefore, long ManagedBytesAfter)
{
    public override string ToString() =>
        $"{Target}: {Inputs:N0} inputs in {Elapsed.TotalSeconds:F1} s ({Inputs / Math.Max(Elapsed.TotalSeconds, 0.001):N0}/s), " +
        $"{Failures.Count} failures, managed heap {ManagedBytesBefore / 1024 / 1024.0:F1} -> {ManagedBytesAfter / 1024 / 1024.0:F1} MB";
}
