namespace Slotgate.Configuration;

/// <summary>
/// One raw setting from one source, before merging: a configuration key (<c>cluster:seeds:0</c>, colon-separated as
/// <c>IConfiguration</c> uses), its text, and where it came from so errors can point at the right file, variable or flag.
/// </summary>
internal readonly record struct ConfigEntry(string Key, string? Value, string Source);
