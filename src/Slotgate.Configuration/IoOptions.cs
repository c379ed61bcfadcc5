namespace Slotgate.Configuration;

/// <summary>How Slotgate does its socket I/O.</summary>
internal sealed record IoOptions
{
    public const string Auto = "auto";
    public const string Epoll = "epoll";
    public const string Kestrel = "kestrel";
    public const string IoUring = "io_uring";
    public static readonly string[] Transports = [Auto, IoUring, Epoll, Kestrel];

    /// <summary>
    /// <c>auto</c> (the default): Slotgate's own event loops on io_uring where the process may use it, else on epoll
    /// (container runtimes' default seccomp profiles refuse io_uring); which one runs, and why, is logged and in INFO.
    /// <c>io_uring</c>: the same, but a fallback to epoll is logged as a warning. <c>epoll</c>: the event loops on epoll
    /// always. Either way the loops serve plaintext clients and node connections, batching every command and reply of
    /// one loop iteration into one send per socket. <c>kestrel</c>: ASP.NET Core's socket transport and the thread
    /// pool, as used elsewhere (and always for TLS). Off x86-64 Linux every choice but <c>kestrel</c> means Kestrel.
    /// </summary>
    public string Transport { get; init; } = Auto;

    /// <summary>Whether the event loops try io_uring before epoll.</summary>
    public bool PrefersRing => Transport is Auto or IoUring;

    /// <summary>
    /// Event loop threads (for <c>auto</c>, <c>io_uring</c> and <c>epoll</c>); 0 means one per two CPU cores (at least
    /// one): each send does the kernel's TCP work on the sending core, and on a shared 2-core machine one loop outran
    /// two (docs/decisions.md).
    /// </summary>
    public int EventLoops { get; init; }

    /// <summary>True when the event loops are used: asked for, and the platform has them.</summary>
    public bool UsesEventLoops => Transport is (Auto or Epoll or IoUring) && PlatformHasEventLoops;

    /// <summary>
    /// The platforms Slotgate.Transport's event loops run on (Linux on x64; its <c>Native.IsSupported</c> says the same,
    /// and a test holds the two together). Stated here so the options model needs no layer below it.
    /// </summary>
    public static bool PlatformHasEventLoops =>
        OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64;

    public int EventLoopCount => EventLoops > 0 ? EventLoops : Math.Max(1, Environment.ProcessorCount / 2);
}
