namespace Slotgate.Controller.Reconcile;

/// <summary>The outcome of one reconcile pass over a <see cref="Model.ClusterSnapshot"/>.</summary>
internal sealed record ReconcilePlan(
    IReadOnlyList<GatewayClassResult> Classes, IReadOnlyList<GatewayPlan> Gateways, IReadOnlyList<RouteParentResult> RouteParents);
