namespace Slotgate.Controller.Model;

/// <summary>
/// An existing Service a route may name as its backend: its ports, and the waypoint its <c>istio.io/use-waypoint</c>
/// label (and <c>istio.io/use-waypoint-namespace</c>, else its own namespace) sends its traffic to, if any.
/// </summary>
internal sealed record ServiceInput(ObjectKey Key, IReadOnlyList<int> Ports, ObjectKey? Waypoint = null);
