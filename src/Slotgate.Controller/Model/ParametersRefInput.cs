namespace Slotgate.Controller.Model;

/// <summary>A GatewayClass's <c>spec.parametersRef</c>; Slotgate accepts a core <c>ConfigMap</c>.</summary>
internal sealed record ParametersRefInput(string Group, string Kind, string Name, string? Namespace);
