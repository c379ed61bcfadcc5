using System.Buffers;

namespace Slotgate.Fuzz;

/// <summary>One link of a segment chain whose boundaries the fuzzer chooses.</summary>
public sealed class FuzzSegment : ReadOnlySequenceSegment<byte>
{
    public FuzzSegment(ReadOnlyMemory<byte> memory, FuzzSegment? previous)
    {
        Memory = memory;
        if (previous is not null)
        {
            RunningIndex = previous.RunningIndex + previous.Memory.Length;
            previous.Next = this;
        }
    }
}
