namespace Slotgate.Routing;

/// <summary>A command's route and, for unsupported commands, the error its client gets.</summary>
internal sealed record CommandRoute(RouteKind Kind, string? Error = null)
{
    public static CommandRoute Forward { get; } = new(RouteKind.Forward);

    public static CommandRoute Local { get; } = new(RouteKind.Local);
}
