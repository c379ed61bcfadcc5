using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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

    /// <summary>
    /// Blocks an event loop keeps for itself (1 MiB): as many as one <c>epoll_wait</c> can report sockets. A loop rents
    /// and returns one per read and per send, and the sends of a batch all wait for its end, so with 50 clients ready
    /// at once 50 output blocks are out together. Past the cache, renting and returning take the shared stack's lock,
    /// which every loop takes: a cache smaller than a batch would be a cross-core write per reply. The shared stack is
    /// left for blocks that move between threads.
    /// </summary>
    private const int LoopCacheSize = EventLoop.MaxEvents;

    /// <summary>Blocks any other thread keeps (it returns a block now and then, when a session runs off its loop).</summary>
    private const int ThreadCacheSize = 8;

    [ThreadStatic]
    private static Block?[]? t_cache;

    [ThreadStatic]
    private static int t_cached;

    private readonly Stack<Block> _blocks = new(); // a lock and an array: ConcurrentStack would allocate a node per return
    private readonly Lock _gate = new();

    public static BlockPool Instance { get; } = new();

    public override int MaxBufferSize => BlockSize;

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        if (minBufferSize > BlockSize)
        {
            return new Block(null, new byte[minBufferSize]);
        }
        if (t_cached > 0)
        {
            // Without the lock: only this thread touches its cache.
            ref Block? cached = ref t_cache![--t_cached];
            Block block = cached!;
            cached = null;
            return block;
        }
        lock (_gate)
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
        Block?[] cache = t_cache ??= new Block?[EventLoop.Current is null ? ThreadCacheSize : LoopCacheSize];
        if (t_cached < cache.Length)
        {
            cache[t_cached++] = block;
            return;
        }
        lock (_gate)
        {
            if (_blocks.Count < MaxRetained)
            {
                _blocks.Push(block);
            }
        }
    }

    /// <summary>
    /// The address of <paramref name="memory"/> when it lies in one of the pool's blocks, which are on the pinned heap
    /// and so never move (the pipes allocate nothing else of this size: larger requests get one-off arrays).
    /// </summary>
    public static unsafe bool TryGetPinned(ReadOnlyMemory<byte> memory, out byte* start)
    {
        if (MemoryMarshal.TryGetArray(memory, out ArraySegment<byte> segment) && segment.Array is { Length: BlockSize } array)
        {
            start = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array)) + segment.Offset;
            return true;
        }
        start = null;
        return false;
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
