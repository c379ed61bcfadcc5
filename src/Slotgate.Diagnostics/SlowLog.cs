using System.Text;
using Slotgate.Protocol;

namespace Slotgate.Diagnostics;

/// <summary>
/// Commands slower than a threshold through Slotgate (read to reply ready), newest first, at most
/// <see cref="MaxLength"/> kept. Arguments are truncated the way Redis's SLOWLOG does (32 arguments, 128 bytes each),
/// so a huge value never sits in memory here. Only slow commands pay for an entry.
/// </summary>
internal sealed class SlowLog(TimeSpan threshold, int maxLength)
{
    private const int MaxArguments = 32;
    private const int MaxArgumentBytes = 128;

    private readonly LinkedList<SlowLogEntry> _entries = new();
    private long _nextId;

    public long ThresholdMicros { get; } = (long)threshold.TotalMicroseconds;

    public int MaxLength { get; } = maxLength;

    public int Count
    {
        get
        {
            lock (_entries)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>True when a command that took <paramref name="micros"/> belongs in the log (a negative threshold: never).</summary>
    public bool IsSlow(long micros) => ThresholdMicros >= 0 && micros >= ThresholdMicros && MaxLength > 0;

    public void Add(RequestFrame frame, long micros, string clientAddress, string? clientName)
    {
        int count = Math.Min(frame.ArgCount, MaxArguments);
        var arguments = new List<byte[]>(count);
        for (int i = 0; i < count; i++)
        {
            if (i == MaxArguments - 1 && frame.ArgCount > MaxArguments)
            {
                arguments.Add(Encoding.ASCII.GetBytes($"... ({frame.ArgCount - MaxArguments + 1} more arguments)"));
                break;
            }
            ReadOnlySpan<byte> arg = frame.Arg(i);
            arguments.Add(arg.Length <= MaxArgumentBytes
                ? arg.ToArray()
                : [.. arg[..MaxArgumentBytes], .. Encoding.ASCII.GetBytes($"... ({arg.Length - MaxArgumentBytes} more bytes)")]);
        }
        lock (_entries)
        {
            _entries.AddFirst(new SlowLogEntry(_nextId++, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), micros, arguments, clientAddress, clientName ?? string.Empty));
            while (_entries.Count > MaxLength)
            {
                _entries.RemoveLast();
            }
        }
    }

    /// <summary>The newest <paramref name="count"/> entries (all when negative).</summary>
    public IReadOnlyList<SlowLogEntry> Get(int count)
    {
        lock (_entries)
        {
            return [.. (count < 0 ? _entries : _entries.Take(count))];
        }
    }

    public void Reset()
    {
        lock (_entries)
        {
            _entries.Clear();
        }
    }
}
