namespace Slotgate.Controller.Model;

/// <summary>What the reconciler needs of a <c>TCPRoute</c>: its parents and the backends of all its rules.</summary>
internal sealed record TcpRouteInput(
    ObjectKey Key, long Generation, IReadOnlyList<ParentRefInput> ParentRefs, IReadOnlyList<BackendRefInput> BackendRefs);
