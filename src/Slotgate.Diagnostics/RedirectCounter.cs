namespace Slotgate.Diagnostics;

/// <summary>The redirect kinds counted by <see cref="SlotgateMetrics.Redirect"/>.</summary>
internal enum RedirectCounter
{
    Moved,
    Ask,
    TryAgain,
}
