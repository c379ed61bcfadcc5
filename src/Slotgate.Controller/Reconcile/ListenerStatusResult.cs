namespace Slotgate.Controller.Reconcile;

/// <summary>A Gateway's <c>status.listeners[]</c> entry.</summary>
internal sealed record ListenerStatusResult(string Name, int AttachedRoutes, IReadOnlyList<Condition> Conditions);
