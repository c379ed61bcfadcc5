using System.Runtime.InteropServices;

namespace Slotgate.Transport;

/// <summary>The Linux calls the event loops make: epoll, eventfd and non-blocking socket I/O, straight to libc.</summary>
internal static unsafe partial class Native
{
    public const int EPOLL_CTL_ADD = 1;
    public const int EPOLL_CTL_DEL = 2;
    public const int EPOLL_CTL_MOD = 3;

    public const uint EPOLLIN = 0x001;
    public const uint EPOLLOUT = 0x004;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;
    public const uint EPOLLRDHUP = 0x2000;
    public const uint EPOLLEXCLUSIVE = 1u << 28;

    public const int EAGAIN = 11;
    public const int EINTR = 4;
    public const int ECONNABORTED = 103;
    public const int EPERM = 1;
    public const int EBUSY = 16;
    public const int ENOSYS = 38;
    public const int ENOBUFS = 105;
    public const int ECANCELED = 125;

    public const int MSG_NOSIGNAL = 0x4000;
    public const int SOCK_NONBLOCK = 0x800;
    public const int SOCK_CLOEXEC = 0x80000;
    public const int EFD_NONBLOCK = 0x800;
    public const int EFD_CLOEXEC = 0x80000;
    public const int SOL_SOCKET = 1;
    public const int SO_REUSEADDR = 2;
    public const int SHUT_WR = 1;
    public const int SHUT_RDWR = 2;

    /// <summary>The event loops need x86-64 Linux: <c>struct epoll_event</c> is packed there (12 bytes), as declared here.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    public struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    public static partial int EpollCreate(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    public static partial int EpollControl(int epoll, int operation, int fd, EpollEvent* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    public static partial int EpollWait(int epoll, EpollEvent* events, int maxEvents, int timeout);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initial, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, void* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, void* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static partial nint Receive(int fd, byte* buffer, nint length, int flags);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* buffer, nint length, int flags);

    /// <summary><c>struct iovec</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    /// <summary><c>struct msghdr</c> (x86-64 layout; only the vectors are used, for a connected socket).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVector* Vectors;
        public nuint VectorCount;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    public static partial nint SendMessage(int fd, MessageHeader* message, int flags);

    [LibraryImport("libc", EntryPoint = "accept4", SetLastError = true)]
    public static partial int Accept(int fd, void* address, void* addressLength, int flags);

    [LibraryImport("libc", EntryPoint = "getsockname", SetLastError = true)]
    public static partial int GetSockName(int fd, void* address, void* addressLength);

    /// <summary>Room for any address <c>accept4</c> or <c>getsockname</c> returns (<c>struct sockaddr_storage</c>).</summary>
    public const int SocketAddressSize = 128;

    /// <summary>
    /// The endpoint in a <c>sockaddr_in</c> or <c>sockaddr_in6</c> as the kernel filled it in; null for any other family.
    /// Ports are in network order, as the kernel writes them.
    /// </summary>
    public static System.Net.IPEndPoint? ToEndPoint(ReadOnlySpan<byte> address)
    {
        const int AF_INET = 2, AF_INET6 = 10;
        if (address.Length < 8)
        {
            return null;
        }
        int family = System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(address);
        int port = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(address[2..]);
        if (family == AF_INET)
        {
            return new System.Net.IPEndPoint(new System.Net.IPAddress(address.Slice(4, 4)), port);
        }
        if (family == AF_INET6 && address.Length >= 28)
        {
            uint scope = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(address[24..]);
            return new System.Net.IPEndPoint(new System.Net.IPAddress(address.Slice(8, 16), scope), port);
        }
        return null;
    }

    [LibraryImport("libc", EntryPoint = "shutdown", SetLastError = true)]
    public static partial int Shutdown(int fd, int how);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);
}
