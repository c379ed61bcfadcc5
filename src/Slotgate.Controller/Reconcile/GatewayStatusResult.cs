namespace Slotgate.Controller.Reconcile;

/// <summary>A Gateway's <c>status</c>: addresses (hostnames), conditions and one entry per listener.</summary>
internal sealed record GatewayStatusResult(
    IReadOnlyList<string> Hostnames, IReadOnlyList<Condition> Conditions, IReadOnlyList<ListenerStatusResult> Listeners);
