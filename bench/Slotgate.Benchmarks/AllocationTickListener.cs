using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Slotgate.Benchmarks;

/// <summary>
/// Samples the runtime's GC AllocationTick events (one per ~100 KB allocated) and counts them by type, to tell what a
/// benchmark that shows bytes in its Allocated column is allocating. Types sampled more often allocate more bytes.
/// </summary>
internal sealed class AllocationTickListener : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    private readonly ConcurrentDictionary<string, long> _ticks = new(StringComparer.Ordinal);
    private volatile bool _recording;

    public IReadOnlyDictionary<string, long> TicksByType => _ticks;

    public void Start() => _recording = true;

    public void Stop() => _recording = false;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource)
        {
            // AllocationTick is a verbose-level GC event.
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording || eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) ||
            eventData.PayloadNames is null || eventData.Payload is null)
        {
            return;
        }
        int index = eventData.PayloadNames.IndexOf("TypeName");
        string type = index >= 0 ? eventData.Payload[index] as string ?? "?" : "?";
        _ticks.AddOrUpdate(type, 1, static (_, count) => count + 1);
    }
}
