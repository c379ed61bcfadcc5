namespace Slotgate.Controller.Model;

/// <summary>
/// What the reconciler needs of a <c>Gateway</c>. <paramref name="PublishedAddresses"/> are the values of its current
/// <c>status.addresses</c>: once published, an address stays (Istio keeps sending a waypoint's traffic there).
/// </summary>
internal sealed record GatewayInput(
    ObjectKey Key, string Uid, long Generation, string ClassName, IReadOnlyList<ListenerInput> Listeners,
    IReadOnlyList<string>? PublishedAddresses = null);
