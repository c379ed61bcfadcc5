namespace Slotgate.Admin;

/// <summary>An admin API error body.</summary>
internal sealed record ErrorDto(string Error);
