using System.Globalization;

namespace Slotgate.Tests.Support.Chaos;

/// <summary>
/// What one chaos scenario did to the clients: operations, errors (and how long after the fault the last one came),
/// acknowledged writes missing afterwards (split into those Redis itself lost to asynchronous replication and the
/// rest), and reads that returned a value never written.
/// </summary>
internal sealed record ChaosReport
{
    public required string Scenario { get; init; }

    public long Operations { get; init; }

    public int AcknowledgedWrites { get; init; }

    public IReadOnlyList<ChaosError> Errors { get; init; } = [];

    /// <summary>Errors for keys outside the slots the scenario disturbs.</summary>
    public IReadOnlyList<ChaosError> ErrorsElsewhere { get; init; } = [];

    /// <summary>From the fault to the last error; zero without errors.</summary>
    public TimeSpan ErrorWindow { get; init; }

    /// <summary>Acknowledged writes missing afterwards that Redis did not lose: Slotgate's fault.</summary>
    public IReadOnlyList<string> LostWrites { get; init; } = [];

    /// <summary>Acknowledged writes the promoted replica never received (Redis replicates asynchronously).</summary>
    public int LostByRedis { get; init; }

    /// <summary>Reads that returned a value no client wrote to that key.</summary>
    public IReadOnlyList<string> BadReads { get; init; } = [];

    public const string TableHeader =
        "| Scenario | Operations | Errors | Errors elsewhere | Error window | Acked writes lost | Lost by Redis (async replication) | Bad reads |\n" +
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |";

    public string TableRow => string.Create(
        CultureInfo.InvariantCulture,
        $"| {Scenario} | {Operations:N0} | {Errors.Count} | {ErrorsElsewhere.Count} | {ErrorWindow.TotalSeconds:0.00} s | {LostWrites.Count} | {LostByRedis} | {BadReads.Count} |");

    public string ToTable() => TableHeader + "\n" + TableRow;

    /// <summary>
    /// Fails unless: no bad read, no acknowledged write lost by Slotgate, errors only on the disturbed slots and only
    /// within <paramref name="errorBound"/> of the fault (zero: no error at all).
    /// </summary>
    public void AssertWithin(TimeSpan errorBound)
    {
        var problems = new StringBuilder();
        if (BadReads.Count > 0)
        {
            problems.AppendLine("bad reads: " + string.Join(", ", BadReads.Take(5)));
        }
        if (LostWrites.Count > 0)
        {
            problems.AppendLine("acknowledged writes lost: " + string.Join(", ", LostWrites.Take(5)));
        }
        if (ErrorsElsewhere.Count > 0)
        {
            problems.AppendLine("errors on undisturbed slots: " + string.Join(" | ", ErrorsElsewhere.Take(5)));
        }
        if (errorBound == TimeSpan.Zero && Errors.Count > 0)
        {
            problems.AppendLine("errors: " + string.Join(" | ", Errors.Take(5)));
        }
        if (ErrorWindow > errorBound)
        {
            problems.AppendLine($"errors lasted {ErrorWindow.TotalSeconds:0.00} s after the fault, bound {errorBound.TotalSeconds:0.00} s");
        }
        Assert.True(problems.Length == 0, ToTable() + "\n" + problems);
        Assert.True(AcknowledgedWrites > 20, $"only {AcknowledgedWrites} writes acknowledged");
    }
}
