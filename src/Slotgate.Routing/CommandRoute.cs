namespace Slotgate.Routing;

/// <summary>
/// A command's route; for unsupported commands the error its client gets, for <see cref="RouteKind.FanOut"/> how the
/// primaries' replies are combined.
/// </summary>
internal sealed record CommandRoute(RouteKind Kind, string? Error = null, MergeKind Merge = MergeKind.None, bool AllNodes = false)
{
    public static CommandRoute Forward { get; } = new(RouteKind.Forward);

    public static CommandRoute Local { get; } = new(RouteKind.Local);
}
