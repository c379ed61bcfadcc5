namespace Slotgate.Controller.Reconcile;

/// <summary>A Gateway's <c>status.listeners[]</c> entry; <paramref name="SupportedKinds"/> are route kinds of the Gateway API group.</summary>
internal sealed record ListenerStatusResult(string Name, int AttachedRoutes, IReadOnlyList<Condition> Conditions, IReadOnlyList<string>? SupportedKinds = null);
