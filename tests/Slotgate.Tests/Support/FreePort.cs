namespace Slotgate.Tests.Support;

/// <summary>
/// A free loopback port for a listener in a test (a proxy under test, a fake backend). It goes through the same
/// process-wide allocator as <see cref="LocalRedisCluster"/>, so a port handed out here is never also given to a node.
/// </summary>
internal static class FreePort
{
    public static int Next() => LocalPortAllocator.ReservePort();
}
