namespace Slotgate.Import;

/// <summary>An entry for <c>upstreams</c>, from an Envoy cluster a route names that is not the main cluster.</summary>
internal sealed record ImportedUpstream(string Name, string Type, IReadOnlyList<string> Servers, string? Username, string? Password);
