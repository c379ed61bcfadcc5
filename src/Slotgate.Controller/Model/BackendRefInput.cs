namespace Slotgate.Controller.Model;

/// <summary>A route rule's <c>backendRefs[]</c> entry as written (null where the field was omitted).</summary>
internal sealed record BackendRefInput(string? Group, string? Kind, string? Namespace, string Name, int? Port);
