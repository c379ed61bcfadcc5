namespace Slotgate.Proxy;

/// <summary>
/// Bounds the published messages waiting to be written to one subscriber (limits.pubsubOutputBufferLimit), as Redis's
/// client-output-buffer-limit pubsub does: a subscriber that does not read would otherwise make Slotgate buffer every
/// message for it. Messages are added on the pub/sub connection's reader thread and removed by the client's reply
/// writer once written.
/// </summary>
internal sealed class PushOutputLimit(long limit)
{
    private long _waiting;

    /// <summary>The most bytes of messages that may wait; 0 or less for no limit.</summary>
    public long Limit => limit;

    /// <summary>Counts a message of <paramref name="bytes"/> bytes; false when the messages waiting now exceed the limit.</summary>
    public bool TryAdd(long bytes) => Interlocked.Add(ref _waiting, bytes) <= limit || limit <= 0;

    /// <summary>A message of <paramref name="bytes"/> bytes was written (or dropped).</summary>
    public void Remove(long bytes) => Interlocked.Add(ref _waiting, -bytes);
}
