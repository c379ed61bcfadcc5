namespace Slotgate.Controller.Model;

/// <summary>What the reconciler needs of a <c>Gateway</c>.</summary>
internal sealed record GatewayInput(
    ObjectKey Key, string Uid, long Generation, string ClassName, IReadOnlyList<ListenerInput> Listeners);
