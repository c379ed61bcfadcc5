using System.Runtime.InteropServices;

namespace Slotgate.Transport;

/// <summary>
/// One io_uring instance for one event loop, made and used on the loop's thread only (it is set up single-issuer,
/// with completions' kernel work deferred to the loop's own <c>io_uring_enter</c>): a submission ring the loop fills
/// during its batch, a completion ring it drains after its wait, and a ring of provided receive buffers that
/// multishot receives pick from.
/// </summary>
internal sealed unsafe class IoRing : IDisposable
{
    /// <summary>Set to <c>off</c>, the probe fails as a blocked <c>io_uring_setup</c> would (tests, and operators who want the fallback).</summary>
    public const string DisableVariable = "SLOTGATE_IO_URING";

    private const uint SetupFlags = Native.IORING_SETUP_LOOP;

    public const ushort BufferGroup = 0;
    public const int BufferCount = 256;
    public const int BufferSize = 16 * 1024;

    private readonly int _fd;
    private readonly byte* _rings;
    private readonly nuint _ringsSize;
    private readonly Native.Sqe* _sqes;
    private readonly nuint _sqesSize;
    private readonly uint* _sqHead;
    private readonly uint* _sqTail;
    private readonly uint _sqMask;
    private readonly uint _sqEntries;
    private readonly uint* _cqHead;
    private readonly uint* _cqTail;
    private readonly uint _cqMask;
    private readonly Native.Cqe* _cqes;
    private readonly Native.UringBuffer* _bufferRing;
    private readonly byte* _buffers;
    private uint _sqLocalTail;
    private uint _sqSubmitted;
    private ushort _bufferTail;

    public IoRing(uint entries, uint completionEntries)
    {
        Native.UringParams parameters = default;
        parameters.Flags = SetupFlags;
        parameters.CqEntries = completionEntries;
        _fd = Native.UringSetup(entries, &parameters);
        if (_fd < 0)
        {
            throw new IOException($"io_uring_setup failed (errno {Marshal.GetLastPInvokeError()})");
        }
        try
        {
            if ((parameters.Features & Native.IORING_FEAT_SINGLE_MMAP) == 0)
            {
                throw new IOException("io_uring: the kernel maps the rings separately (before Linux 5.4); not supported");
            }
            nuint sqSize = parameters.SqOffsets.Array + parameters.SqEntries * sizeof(uint);
            nuint cqSize = parameters.CqOffsets.Cqes + parameters.CqEntries * (nuint)sizeof(Native.Cqe);
            _ringsSize = Math.Max(sqSize, cqSize);
            _rings = Map(_fd, _ringsSize, Native.IORING_OFF_SQ_RING);
            _sqesSize = parameters.SqEntries * (nuint)sizeof(Native.Sqe);
            _sqes = (Native.Sqe*)Map(_fd, _sqesSize, Native.IORING_OFF_SQES);
            _sqHead = (uint*)(_rings + parameters.SqOffsets.Head);
            _sqTail = (uint*)(_rings + parameters.SqOffsets.Tail);
            _sqMask = *(uint*)(_rings + parameters.SqOffsets.RingMask);
            _sqEntries = parameters.SqEntries;
            uint* array = (uint*)(_rings + parameters.SqOffsets.Array);
            for (uint i = 0; i < _sqEntries; i++)
            {
                array[i] = i; // entry i of the ring is always SQE i: no indirection to maintain
            }
            _sqLocalTail = _sqSubmitted = *_sqTail;
            _cqHead = (uint*)(_rings + parameters.CqOffsets.Head);
            _cqTail = (uint*)(_rings + parameters.CqOffsets.Tail);
            _cqMask = *(uint*)(_rings + parameters.CqOffsets.RingMask);
            _cqes = (Native.Cqe*)(_rings + parameters.CqOffsets.Cqes);

            _bufferRing = (Native.UringBuffer*)NativeMemory.AlignedAlloc(BufferCount * (nuint)sizeof(Native.UringBuffer), 4096);
            NativeMemory.Clear(_bufferRing, BufferCount * (nuint)sizeof(Native.UringBuffer));
            _buffers = (byte*)NativeMemory.AlignedAlloc((nuint)BufferCount * BufferSize, 4096);
            var registration = new Native.UringBufferRegistration { RingAddress = (ulong)_bufferRing, RingEntries = BufferCount, GroupId = BufferGroup };
            if (Native.UringRegister(_fd, Native.IORING_REGISTER_PBUF_RING, &registration, 1) < 0)
            {
                throw new IOException($"io_uring: registering the receive buffer ring failed (errno {Marshal.GetLastPInvokeError()})");
            }
            for (ushort id = 0; id < BufferCount; id++)
            {
                ReturnBuffer(id);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whether this process may use io_uring with the flags the loops need: a real <c>io_uring_setup</c>, closed at once.
    /// Container runtimes' default seccomp profiles refuse it (EPERM or ENOSYS), as does <c>kernel.io_uring_disabled</c>.
    /// </summary>
    public static bool Probe(out string reason)
    {
        if (!Native.IsSupported)
        {
            reason = "io_uring transport needs x86-64 Linux";
            return false;
        }
        if (string.Equals(Environment.GetEnvironmentVariable(DisableVariable), "off", StringComparison.OrdinalIgnoreCase))
        {
            reason = $"io_uring disabled by {DisableVariable}=off";
            return false;
        }
        Native.UringParams parameters = default;
        parameters.Flags = SetupFlags;
        parameters.CqEntries = 4;
        int fd = Native.UringSetup(2, &parameters);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            reason = errno switch
            {
                Native.EPERM => "io_uring_setup refused (EPERM): blocked by a seccomp profile or kernel.io_uring_disabled",
                Native.ENOSYS => "io_uring_setup unavailable (ENOSYS): blocked by a seccomp profile or not in this kernel",
                _ => $"io_uring_setup failed (errno {errno}): the kernel lacks a needed feature (Linux 6.1 or later is needed)",
            };
            return false;
        }
        Native.Close(fd);
        reason = "io_uring_setup accepted";
        return true;
    }

    private static byte* Map(int fd, nuint size, long offset)
    {
        void* address = Native.MemoryMap(null, size, Native.PROT_READ_WRITE, Native.MAP_SHARED_POPULATE, fd, offset);
        if (address == (void*)-1)
        {
            throw new IOException($"io_uring: mapping the rings failed (errno {Marshal.GetLastPInvokeError()})");
        }
        return (byte*)address;
    }

    /// <summary>A cleared submission entry to fill in; when the ring is full, what it holds is submitted first.</summary>
    public Native.Sqe* NextSqe()
    {
        if (_sqLocalTail - Volatile.Read(ref *_sqHead) >= _sqEntries)
        {
            int error = Enter(0);
            if (_sqLocalTail - Volatile.Read(ref *_sqHead) >= _sqEntries)
            {
                throw new IOException($"io_uring: the submission ring is full and submitting failed (errno {-error})");
            }
        }
        Native.Sqe* sqe = &_sqes[_sqLocalTail & _sqMask];
        *sqe = default;
        _sqLocalTail++;
        return sqe;
    }

    /// <summary>Whether entries are waiting for the next <see cref="Enter"/>.</summary>
    public bool HasPending => _sqLocalTail != _sqSubmitted;

    /// <summary>
    /// Submits every queued entry and, in the same system call, waits for <paramref name="minComplete"/> completions
    /// (0: only reap what is ready). Returns 0, or the negative errno.
    /// </summary>
    public int Enter(uint minComplete)
    {
        Volatile.Write(ref *_sqTail, _sqLocalTail);
        uint toSubmit = _sqLocalTail - _sqSubmitted;
        int result = Native.UringEnter(_fd, toSubmit, minComplete, Native.IORING_ENTER_GETEVENTS);
        if (result < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            // Entries the kernel took before the error still count as submitted (its head moved past them).
            _sqSubmitted = Volatile.Read(ref *_sqHead);
            return -errno;
        }
        _sqSubmitted += (uint)result;
        return 0;
    }

    /// <summary>Takes the oldest completion, if any, freeing its slot in the ring at once.</summary>
    public bool TryTakeCompletion(out Native.Cqe completion)
    {
        uint head = *_cqHead;
        if (head == Volatile.Read(ref *_cqTail))
        {
            completion = default;
            return false;
        }
        completion = _cqes[head & _cqMask];
        Volatile.Write(ref *_cqHead, head + 1);
        return true;
    }

    /// <summary>The start of provided buffer <paramref name="id"/>.</summary>
    public byte* Buffer(int id) => _buffers + (nint)id * BufferSize;

    /// <summary>Gives provided buffer <paramref name="id"/> back to the kernel for the next receive.</summary>
    public void ReturnBuffer(ushort id)
    {
        Native.UringBuffer* entry = &_bufferRing[_bufferTail & (BufferCount - 1)];
        entry->Address = (ulong)Buffer(id);
        entry->Length = BufferSize;
        entry->Id = id;
        _bufferTail++;
        // The ring's tail is the reserved field of entry 0, published after the entry it makes visible.
        Volatile.Write(ref _bufferRing->Reserved, _bufferTail);
    }

    public void Dispose()
    {
        if (_fd >= 0 && _bufferRing is not null)
        {
            // No receive picks a buffer after this returns, so the buffers can be freed below.
            var registration = new Native.UringBufferRegistration { GroupId = BufferGroup };
            Native.UringRegister(_fd, Native.IORING_UNREGISTER_PBUF_RING, &registration, 1);
        }
        if (_sqes is not null)
        {
            Native.MemoryUnmap(_sqes, _sqesSize);
        }
        if (_rings is not null)
        {
            Native.MemoryUnmap(_rings, _ringsSize);
        }
        if (_fd >= 0)
        {
            Native.Close(_fd); // the kernel cancels what is still in flight and drops the buffer ring's registration
        }
        NativeMemory.AlignedFree(_buffers);
        NativeMemory.AlignedFree(_bufferRing);
    }
}
