namespace Slotgate.Controller.Model;

/// <summary>A route's <c>parentRefs[]</c> entry as written (null where the field was omitted).</summary>
internal sealed record ParentRefInput(string? Group, string? Kind, string? Namespace, string Name, string? SectionName, int? Port);
