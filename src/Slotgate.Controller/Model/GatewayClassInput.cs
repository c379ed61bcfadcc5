namespace Slotgate.Controller.Model;

/// <summary>What the reconciler needs of a <c>GatewayClass</c>.</summary>
internal sealed record GatewayClassInput(string Name, string ControllerName, long Generation, ParametersRefInput? ParametersRef);
