namespace Slotgate.Admin;

/// <summary>The outcome of <c>POST /topology/refresh</c>.</summary>
internal sealed record RefreshDto(bool Ok, bool Changed, long Epoch, string? Error);
