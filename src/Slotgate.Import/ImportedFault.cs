namespace Slotgate.Import;

/// <summary>A fault as Slotgate's <c>faults</c> list takes it, converted from an Envoy <c>RedisFault</c>.</summary>
internal sealed record ImportedFault(string Type, double Percent, TimeSpan? Delay, IReadOnlyList<string> Commands);
