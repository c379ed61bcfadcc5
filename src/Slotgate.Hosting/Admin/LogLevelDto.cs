namespace Slotgate.Admin;

/// <summary>The log level, as <c>POST /log-level</c> accepts and <c>GET /log-level</c> answers it.</summary>
internal sealed record LogLevelDto(string Level);
