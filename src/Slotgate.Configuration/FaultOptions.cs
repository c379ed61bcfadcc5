namespace Slotgate.Configuration;

/// <summary>
/// One injected fault, as Envoy redis_proxy's <c>faults</c> has them: an error reply or a delayed reply for a share of
/// commands (all commands, or the listed ones). Never applied to AUTH or PING, so clients can still connect and
/// health checks still pass while a test degrades the data path.
/// </summary>
internal sealed record FaultOptions
{
    public static IReadOnlyList<string> Types { get; } = ["error", "delay"];

    /// <summary><c>error</c>: the command is not sent and the client gets an error; <c>delay</c>: the reply is held back.</summary>
    public string Type { get; init; } = "error";

    /// <summary>Share of matching commands that get the fault, 0 to 100 (fractions allowed: 0.5 is one in two hundred).</summary>
    public double Percent { get; init; }

    /// <summary>How long the reply is held (delay faults; for error faults, before the error is sent). Default none.</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.Zero;

    /// <summary>Command names the fault applies to (any case); empty means every command but AUTH and PING.</summary>
    public IReadOnlyList<string> Commands { get; init; } = [];
}
