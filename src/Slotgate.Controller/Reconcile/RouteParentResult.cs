using Slotgate.Controller.Model;

namespace Slotgate.Controller.Reconcile;

/// <summary>
/// The status of one route toward one of Slotgate's Gateways (an entry of the route's <c>status.parents</c>), and the
/// listeners it attached to.
/// </summary>
internal sealed record RouteParentResult(
    ObjectKey Route, ParentRefInput ParentRef, ObjectKey Gateway, IReadOnlyList<string> AttachedListeners,
    IReadOnlyList<string> Seeds, IReadOnlyList<Condition> Conditions);
