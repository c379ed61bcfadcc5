using System.Buffers;

namespace Slotgate.Protocol;

/// <summary>
/// Walks the elements of one complete aggregate reply (array, set or push), yielding each element's raw encoding so
/// it can be copied into a merged reply as is. Allocation-free; use with <c>foreach</c> or <see cref="MoveNext"/>.
/// </summary>
internal ref struct RespArrayReader
{
    private SequenceReader<byte> _reader;
    private int _remaining;

    /// <param name="elements">The bytes after the aggregate's header.</param>
    /// <param name="count">The element count from the header; -1 for a null array.</param>
    public RespArrayReader(ReadOnlySequence<byte> elements, int count)
    {
        _reader = new SequenceReader<byte>(elements);
        Count = count;
        _remaining = Math.Max(count, 0);
        Current = default;
    }

    /// <summary>Number of elements; -1 for a null array.</summary>
    public int Count { get; }

    public readonly bool IsNull => Count < 0;

    /// <summary>The current element's complete encoding (type byte to final CRLF).</summary>
    public ReadOnlySequence<byte> Current { get; private set; }

    public readonly RespArrayReader GetEnumerator() => this;

    public bool MoveNext()
    {
        if (_remaining == 0)
        {
            return false;
        }
        SequencePosition start = _reader.Position;
        if (!RespScanner.TrySkipValue(ref _reader))
        {
            throw new RespProtocolException(RespErrors.InvalidReplyLength);
        }
        Current = _reader.Sequence.Slice(start, _reader.Position);
        _remaining--;
        return true;
    }
}
