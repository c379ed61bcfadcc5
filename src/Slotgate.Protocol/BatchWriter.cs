using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Slotgate.Protocol;

/// <summary>
/// Copies many small frames (commands for a node, replies for a client) into a pipe's buffer with one
/// <c>GetMemory</c>/<c>Advance</c> pair per buffer rather than one per frame: each pair goes through the writer's
/// interface and takes the pipe's lock. A mutable struct: keep it in one variable and call <see cref="Commit"/> before
/// the pipe is flushed or completed, since bytes written are the pipe's only from then on.
/// </summary>
internal struct BatchWriter(PipeWriter output)
{
    /// <summary>Frames longer than this go to the pipe in pieces (it never needs to find one contiguous buffer for them).</summary>
    private const int LargeFrame = 4096;

    // The buffer is held as its array when it has one (every pipe Slotgate uses): writing a frame is then a length
    // check and a copy, without resolving the Memory to a span each time.
    private Memory<byte> _buffer;
    private byte[]? _array;
    private int _start;
    private int _capacity;
    private int _used;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _capacity - _used)
        {
            Commit();
            if (bytes.Length > LargeFrame)
            {
                output.Write(bytes);
                return;
            }
            _buffer = output.GetMemory(bytes.Length);
            _capacity = _buffer.Length;
            _array = MemoryMarshal.TryGetArray(_buffer, out ArraySegment<byte> segment) ? segment.Array : null;
            _start = segment.Offset;
        }
        if (_array is { } array)
        {
            // In bounds: _start + _capacity lies within the array, and bytes fits in what is left of the capacity.
            bytes.CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), _start + _used), bytes.Length));
        }
        else
        {
            bytes.CopyTo(_buffer.Span[_used..]);
        }
        _used += bytes.Length;
    }

    /// <summary>Hands the bytes written so far to the pipe.</summary>
    public void Commit()
    {
        if (_used > 0)
        {
            output.Advance(_used);
        }
        _buffer = default;
        _array = null;
        _capacity = 0;
        _used = 0;
    }
}
