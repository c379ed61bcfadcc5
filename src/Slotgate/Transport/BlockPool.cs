using System.Buffers;

namespace Slotgate.Transport;

/// <summary>
/// The pipes' memory: fixed-size blocks on the pinned heap, reused. A pipe rents one block per segment, so a pool that
/// allocated per rent (as <see cref="MemoryPool{T}.Shared"/> does, for its owner object) would allocate per read.
/// Requests larger than a block get a one-off array, as the pipe asks only for at least the size it needs.
/// </summary>
internal sealed class BlockPool : MemoryPool<byte>
{
    public const int BlockSize = 4096;

    /// <summary>Blocks kept for reuse beyond those in use (64 MiB); more are left to the GC.</summary>
    private const int MaxRetained = 16384;

    private readonly Stack<Block> _blocks = new(); // a lock and an array: ConcurrentStack would allocate a node per return

    public static BlockPool Instance { get; } = new();

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        if (minBufferSize > BlockSize)
        {
            return new Block(null, new byte[minBufferSize]);
        }
        lock (_blocks)
        {
            if (_blocks.TryPop(out Block? block))
            {
                return block;
            }
        }
        return new Block(this, GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true));
    }

    private void Return(Block block)
    {
        lock (_blocks)
        {
            if (_blocks.Count < MaxRetained)
            {
                _blocks.Push(block);
            }
        }
    }

    protected override void Dispose(bool disposing)
    {
    }

    private sealed class Block(BlockPool? pool, byte[] array) : IMemoryOwner<byte>
    {
        public Memory<byte> Memory => array;

        public void Dispose() => pool?.Return(this);
    }
}
