namespace Slotgate.Controller.Model;

/// <summary>A ReferenceGrant's <c>spec.to[]</c> entry; a null name grants every object of the kind.</summary>
internal sealed record GrantTo(string Group, string Kind, string? Name);
