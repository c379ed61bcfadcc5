namespace Slotgate.Configuration;

/// <summary>How Slotgate does its socket I/O.</summary>
internal sealed record IoOptions
{
    public const string Epoll = "epoll";
    public const string Kestrel = "kestrel";
    public const string IoUring = "io_uring";
    public static readonly string[] Transports = [Epoll, IoUring, Kestrel];

    /// <summary>
    /// <c>epoll</c> (the default on x86-64 Linux): Slotgate's own event loops serve plaintext clients and node
    /// connections, batching every command and reply of one loop iteration into one send per socket.
    /// <c>kestrel</c>: ASP.NET Core's socket transport and the thread pool, as used elsewhere (and always for TLS).
    /// <c>io_uring</c> (experimental): the same event loops on io_uring instead of epoll; where the process may not use
    /// io_uring (container runtimes' default seccomp profiles refuse it), the loops run on epoll, and say so.
    /// </summary>
    public string Transport { get; init; } = Epoll;

    /// <summary>
    /// Event loop threads for <c>transport: epoll</c>; 0 means one per two CPU cores (at least one): each send does the
    /// kernel's TCP work on the sending core, and on a shared 2-core machine one loop outran two (docs/decisions.md).
    /// </summary>
    public int EventLoops { get; init; }

    /// <summary>True when the event loops are used: asked for, and the platform has them.</summary>
    public bool UsesEventLoops => (Transport == Epoll || Transport == IoUring) && PlatformHasEventLoops;

    /// <summary>
    /// The platforms Slotgate.Transport's event loops run on (Linux on x64; its <c>Native.IsSupported</c> says the same,
    /// and a test holds the two together). Stated here so the options model needs no layer below it.
    /// </summary>
    public static bool PlatformHasEventLoops =>
        OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64;

    public int EventLoopCount => EventLoops > 0 ? EventLoops : Math.Max(1, Environment.ProcessorCount / 2);
}
