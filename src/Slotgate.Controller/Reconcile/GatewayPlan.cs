using k8s.Models;
using Slotgate.Controller.Model;

namespace Slotgate.Controller.Reconcile;

/// <summary>
/// What one of Slotgate's Gateways should look like: the objects to apply, the status to write, its routes' parent
/// statuses toward it, and the inbound-binding annotation the Gateway should carry (null: none).
/// </summary>
internal sealed record GatewayPlan(
    ObjectKey Gateway,
    IReadOnlyList<string> Seeds,
    V1ServiceAccount ServiceAccount,
    V1ConfigMap ConfigMap,
    V1Deployment Deployment,
    V1Service Service,
    GatewayStatusResult Status)
{
    public IReadOnlyList<RouteParentResult> RouteParents { get; init; } = [];

    public string? InboundBindingAnnotation { get; init; }

    /// <summary>
    /// True when the class's parameters are invalid: the objects already running are left exactly as they are (a
    /// typo in the parameters must not scale a serving waypoint down), and only the status tells what is wrong.
    /// </summary>
    public bool KeepObjects { get; init; }
}
