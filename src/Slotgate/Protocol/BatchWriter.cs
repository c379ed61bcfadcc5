using System.Buffers;
using System.IO.Pipelines;

namespace Slotgate.Protocol;

/// <summary>
/// Copies many small frames (commands for a node, replies for a client) into a pipe's buffer with one
/// <c>GetMemory</c>/<c>Advance</c> pair per buffer rather than one per frame: each pair goes through the writer's
/// interface and takes the pipe's lock. A mutable struct: keep it in one local and call <see cref="Commit"/> before
/// the pipe is flushed or completed, since bytes written are the pipe's only from then on.
/// </summary>
internal struct BatchWriter(PipeWriter output)
{
    /// <summary>Frames longer than this go to the pipe in pieces (it never needs to find one contiguous buffer for them).</summary>
    private const int LargeFrame = 4096;

    private Memory<byte> _buffer;
    private int _used;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _buffer.Length - _used)
        {
            Commit();
            if (bytes.Length > LargeFrame)
            {
                output.Write(bytes);
                return;
            }
            _buffer = output.GetMemory(bytes.Length);
        }
        bytes.CopyTo(_buffer.Span[_used..]);
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
        _used = 0;
    }
}
