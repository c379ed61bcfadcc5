using System.Buffers;

namespace Slotgate.Tests.Protocol;

/// <summary>One link of a hand-built segment chain, so tests control exactly where segment boundaries fall.</summary>
internal sealed class TestSegment : ReadOnlySequenceSegment<byte>
{
    public TestSegment(ReadOnlyMemory<byte> memory, TestSegment? previous)
    {
        Memory = memory;
        if (previous is not null)
        {
            RunningIndex = previous.RunningIndex + previous.Memory.Length;
            previous.Next = this;
        }
    }
}
