using Slotgate.Cluster;

namespace Slotgate.Admin;

/// <summary>
/// Whether Slotgate should receive traffic: every one of the 16384 slots has a known primary, and shutdown (drain)
/// has not begun. A load balancer then stops sending new clients before Slotgate stops accepting them.
/// </summary>
internal static class Readiness
{
    /// <returns>Null when ready, otherwise the reason, short enough for a probe's log.</returns>
    public static string? Check(SlotMap map, bool draining)
    {
        if (draining)
        {
            return "draining (shutting down)";
        }
        if (!map.IsFullyCovered)
        {
            string detail = map.CoveredSlots == 0 ? "no topology yet" : "unserved slots " + string.Join(",", map.UncoveredRanges());
            return $"{map.CoveredSlots}/16384 slots covered ({detail})";
        }
        return null;
    }
}
