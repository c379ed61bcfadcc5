using System.Runtime.InteropServices;

namespace Slotgate.Transport;

/// <summary>
/// The io_uring interface as the kernel defines it (x86-64): the three system calls, made through libc's
/// <c>syscall</c> since libc has no wrappers for them, and the structures shared with the kernel.
/// </summary>
internal static unsafe partial class Native
{
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6);

    private const long SYS_io_uring_setup = 425;
    private const long SYS_io_uring_enter = 426;
    private const long SYS_io_uring_register = 427;

    /// <summary>The ring's set-up: one submitter (the loop's thread), whose own <c>io_uring_enter</c> runs completion work.</summary>
    public const uint IORING_SETUP_LOOP = IORING_SETUP_CQSIZE | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
    private const uint IORING_SETUP_CQSIZE = 1u << 3;
    private const uint IORING_SETUP_SUBMIT_ALL = 1u << 7;
    private const uint IORING_SETUP_SINGLE_ISSUER = 1u << 12;
    private const uint IORING_SETUP_DEFER_TASKRUN = 1u << 13;
    public const uint IORING_FEAT_SINGLE_MMAP = 1u << 0;
    public const uint IORING_ENTER_GETEVENTS = 1u << 0;
    public const uint IORING_REGISTER_PBUF_RING = 22;
    public const uint IORING_UNREGISTER_PBUF_RING = 23;
    public const long IORING_OFF_SQ_RING = 0;
    public const long IORING_OFF_SQES = 0x10000000;

    // Per request: the buffer-select flag, multishot receive, and in the completion the buffer chosen and "more to come".
    public const byte IOSQE_BUFFER_SELECT = 1 << 5;
    public const ushort IORING_RECV_MULTISHOT = 1 << 1;
    public const uint IORING_CQE_F_BUFFER = 1u << 0;
    public const uint IORING_CQE_F_MORE = 1u << 1;
    public const int IORING_CQE_BUFFER_SHIFT = 16;

    /// <summary>The operations Slotgate submits (<c>enum io_uring_op</c>).</summary>
    public enum UringOp : byte
    {
        PollAdd = 6,
        PollRemove = 7,
        SendMessage = 9,
        Accept = 13,
        AsyncCancel = 14,
        Close = 19,
        Read = 22,
        Send = 26,
        Receive = 27,
    }

    /// <summary><c>struct io_sqring_offsets</c>: where the submission ring's fields are in its mapping.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SqRingOffsets
    {
        public uint Head, Tail, RingMask, RingEntries, Flags, Dropped, Array, Reserved;
        public ulong UserAddress;
    }

    /// <summary><c>struct io_cqring_offsets</c>: where the completion ring's fields are in its mapping.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct CqRingOffsets
    {
        public uint Head, Tail, RingMask, RingEntries, Overflow, Cqes, Flags, Reserved;
        public ulong UserAddress;
    }

    /// <summary><c>struct io_uring_params</c> (120 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct UringParams
    {
        public uint SqEntries, CqEntries, Flags, SqThreadCpu, SqThreadIdle, Features, WqFd;
        public uint Reserved0, Reserved1, Reserved2;
        public SqRingOffsets SqOffsets;
        public CqRingOffsets CqOffsets;
    }

    /// <summary><c>struct io_uring_sqe</c> (64 bytes); the unions are named by the use Slotgate makes of them.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 64)]
    public struct Sqe
    {
        [FieldOffset(0)] public UringOp Opcode;
        [FieldOffset(1)] public byte Flags;
        [FieldOffset(2)] public ushort IoPriority;
        [FieldOffset(4)] public int Fd;
        [FieldOffset(8)] public ulong Offset;
        [FieldOffset(16)] public ulong Address;
        [FieldOffset(24)] public uint Length;
        /// <summary><c>msg_flags</c>, <c>poll32_events</c>, <c>accept_flags</c>, <c>cancel_flags</c> by opcode.</summary>
        [FieldOffset(28)] public uint OpFlags;
        [FieldOffset(32)] public ulong UserData;
        [FieldOffset(40)] public ushort BufferGroup;
    }

    /// <summary><c>struct io_uring_cqe</c> (16 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Cqe
    {
        public ulong UserData;
        public int Result;
        public uint Flags;
    }

    /// <summary><c>struct io_uring_buf</c>: one provided buffer in a buffer ring (16 bytes; the ring's tail overlays entry 0's last field).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct UringBuffer
    {
        public ulong Address;
        public uint Length;
        public ushort Id;
        public ushort Reserved;
    }

    /// <summary><c>struct io_uring_buf_reg</c> (40 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct UringBufferRegistration
    {
        public ulong RingAddress;
        public uint RingEntries;
        public ushort GroupId;
        public ushort Flags;
        public ulong Reserved0, Reserved1, Reserved2;
    }

    public static int UringSetup(uint entries, UringParams* parameters) =>
        (int)Syscall(SYS_io_uring_setup, entries, (long)parameters, 0, 0, 0, 0);

    public static int UringEnter(int ring, uint toSubmit, uint minComplete, uint flags) =>
        (int)Syscall(SYS_io_uring_enter, ring, toSubmit, minComplete, flags, 0, 0);

    public static int UringRegister(int ring, uint opcode, void* argument, uint count) =>
        (int)Syscall(SYS_io_uring_register, ring, opcode, (long)argument, count, 0, 0);

    public const int PROT_READ_WRITE = 0x1 | 0x2;
    public const int MAP_SHARED_POPULATE = 0x01 | 0x8000;

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    public static partial void* MemoryMap(void* address, nuint length, int protection, int flags, int fd, long offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    public static partial int MemoryUnmap(void* address, nuint length);
}
