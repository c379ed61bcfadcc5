namespace Slotgate.Configuration;

/// <summary>How Slotgate stops on SIGTERM/Ctrl-C.</summary>
internal sealed record ShutdownOptions
{
    /// <summary>
    /// How long commands already received may take to be answered once shutdown starts; connections still busy after
    /// it are closed. Kubernetes waits 30 s (terminationGracePeriodSeconds) before SIGKILL, so 10 s leaves room.
    /// </summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long Slotgate keeps accepting and serving normally after SIGTERM, with <c>/readyz</c> answering 503, before
    /// the drain starts: time for endpoints (and ztunnels) to stop sending new connections. <c>0s</c>: drain at once.
    /// </summary>
    public TimeSpan DrainDelay { get; init; } = TimeSpan.Zero;
}
