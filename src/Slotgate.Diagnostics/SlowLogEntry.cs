namespace Slotgate.Diagnostics;

/// <summary>One SLOWLOG entry, in the shape of Redis's: arguments already truncated as Redis truncates them.</summary>
internal sealed record SlowLogEntry(long Id, long UnixTime, long Micros, IReadOnlyList<byte[]> Arguments, string ClientAddress, string ClientName);
