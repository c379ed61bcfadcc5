namespace Slotgate.Demo;

/// <summary>Finds the redis-server binary, or explains how to get one.</summary>
internal static class RedisServerLocator
{
    // Debian's redis-server package installs /usr/bin/redis-server; some images only put /usr/sbin on root's PATH.
    private static readonly string[] WellKnownLocations = ["/usr/bin/redis-server", "/usr/sbin/redis-server", "/usr/local/bin/redis-server"];

    public static string Locate(string? explicitPath)
    {
        if (explicitPath is not null)
        {
            return File.Exists(explicitPath)
                ? explicitPath
                : throw new LocalClusterException($"locate redis-server: the configured path '{explicitPath}' does not exist.");
        }
        string? path = Environment.GetEnvironmentVariable("PATH");
        if (path is not null)
        {
            foreach (string dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                string candidate = Path.Combine(dir, "redis-server");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        foreach (string candidate in WellKnownLocations)
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new LocalClusterException(
            "locate redis-server: not found on PATH nor in /usr/bin or /usr/sbin. " +
            "Install Redis 7 or later, on Debian/Ubuntu: apt-get update && apt-get install -y redis-server");
    }
}
