namespace Slotgate.Controller.Model;

/// <summary>
/// One Gateway listener. <paramref name="AllowedFrom"/> is <c>spec.listeners[].allowedRoutes.namespaces.from</c>
/// (<c>Same</c> when absent, <c>All</c>, <c>Selector</c>); <paramref name="NamespaceSelector"/> its matchLabels;
/// <paramref name="Hostname"/> its <c>hostname</c> (which a TCP listener cannot use to tell connections apart).
/// </summary>
internal sealed record ListenerInput(
    string Name, int Port, string Protocol, string AllowedFrom, IReadOnlyDictionary<string, string>? NamespaceSelector,
    string? Hostname = null);
