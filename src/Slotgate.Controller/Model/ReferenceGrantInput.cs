namespace Slotgate.Controller.Model;

/// <summary>A <c>ReferenceGrant</c>: objects of the <paramref name="From"/> kinds may refer to <paramref name="To"/> in <paramref name="Namespace"/>.</summary>
internal sealed record ReferenceGrantInput(string Namespace, IReadOnlyList<GrantFrom> From, IReadOnlyList<GrantTo> To);
