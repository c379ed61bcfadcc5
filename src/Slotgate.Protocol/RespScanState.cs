namespace Slotgate.Protocol;

/// <summary>
/// Progress through an incomplete reply, so that the next attempt resumes where the last one stopped instead of
/// rescanning every element of a large array. <c>default</c> means "nothing scanned yet".
/// </summary>
/// <param name="Offset">Bytes from the start of the reply already known to hold complete elements.</param>
/// <param name="Pending">Values still to be skipped from <paramref name="Offset"/> on (0 in the default state).</param>
internal readonly record struct RespScanState(long Offset, long Pending);
