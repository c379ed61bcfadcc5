namespace Slotgate.Controller.Reconcile;

/// <summary>The status of a GatewayClass that Slotgate claims, and its parameters when they are valid.</summary>
internal sealed record GatewayClassResult(string Name, Condition Accepted, SlotgateParameters? Parameters);
