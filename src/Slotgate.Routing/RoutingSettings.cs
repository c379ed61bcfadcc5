namespace Slotgate.Routing;

/// <summary>Redirect and retry policy.</summary>
internal sealed record RoutingSettings
{
    /// <summary>MOVED/ASK/TRYAGAIN redirects followed for one command before its client sees the error.</summary>
    public int MaxRedirects { get; init; } = 5;

    /// <summary>Pause before retrying a command that got <c>-TRYAGAIN</c> (keys of a multi-key command mid-migration).</summary>
    public TimeSpan TryAgainDelay { get; init; } = TimeSpan.FromMilliseconds(25);

    /// <summary>Where read-only commands go.</summary>
    public ReadPolicy ReadFrom { get; init; } = ReadPolicy.Primary;

    /// <summary>How long a command for an unreachable primary may wait for a promoted replica (zero: fail at once).</summary>
    public TimeSpan FailoverWait { get; init; } = TimeSpan.Zero;

    /// <summary>Where redirects, refreshes and per-node requests are counted.</summary>
    public Diagnostics.SlotgateMetrics Metrics { get; init; } = Diagnostics.SlotgateMetrics.Unobserved;
}
