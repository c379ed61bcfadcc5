namespace Slotgate.Controller.Reconcile;

/// <summary>
/// The status of a GatewayClass that Slotgate claims (<c>Accepted</c>, <c>SupportedVersion</c>), and its parameters
/// when they are valid.
/// </summary>
internal sealed record GatewayClassResult(string Name, Condition Accepted, SlotgateParameters? Parameters, Condition? SupportedVersion = null)
{
    public IReadOnlyList<Condition> Conditions => SupportedVersion is null ? [Accepted] : [Accepted, SupportedVersion];
}
