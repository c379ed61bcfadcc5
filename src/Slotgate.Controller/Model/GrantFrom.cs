namespace Slotgate.Controller.Model;

/// <summary>A ReferenceGrant's <c>spec.from[]</c> entry.</summary>
internal sealed record GrantFrom(string Group, string Kind, string Namespace);
