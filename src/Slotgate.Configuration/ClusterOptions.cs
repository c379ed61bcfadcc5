using System.Text;

namespace Slotgate.Configuration;

/// <summary>How to find and authenticate to the Redis Cluster.</summary>
internal sealed record ClusterOptions
{
    /// <summary>
    /// Nodes to ask for the topology at start-up; any reachable node of the cluster will do, the rest is discovered.
    /// No default: guessing a cluster address would connect somewhere unintended.
    /// </summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];

    /// <summary>Period of the background topology refresh, which catches changes no MOVED has revealed yet.</summary>
    public TimeSpan RefreshInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Least time between two triggered refreshes, so a burst of MOVED replies during resharding costs one refresh.</summary>
    public TimeSpan RefreshMinInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>ACL user for AUTH (Redis 6+). Null means the default user.</summary>
    public string? Username { get; init; }

    /// <summary>Password for AUTH. Never printed: <see cref="PrintMembers"/> and the renderer mask it.</summary>
    public string? Password { get; init; }

    /// <summary>File holding the username (a mounted Kubernetes Secret); re-read when it changes. Excludes <see cref="Username"/>.</summary>
    public string? UsernameFile { get; init; }

    /// <summary>File holding the password; re-read when it changes, so new connections use the new one. Excludes <see cref="Password"/>.</summary>
    public string? PasswordFile { get; init; }

    /// <summary>How often <see cref="UsernameFile"/>, <see cref="PasswordFile"/> and the <c>cluster.tls</c> files are checked for changes.</summary>
    public TimeSpan FileReloadInterval { get; init; } = TimeSpan.FromSeconds(10);

    public ClusterTlsOptions Tls { get; init; } = new();

    // Replaces the compiler-generated member printer so ToString(), and with it every log line or debugger view that
    // prints the options, shows *** instead of the password.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Seeds = [").AppendJoin(", ", Seeds).Append("], ");
        builder.Append("RefreshInterval = ").Append(RefreshInterval).Append(", ");
        builder.Append("RefreshMinInterval = ").Append(RefreshMinInterval).Append(", ");
        builder.Append("Username = ").Append(Username).Append(", ");
        builder.Append("Password = ").Append(Password is null ? null : SlotgateOptions.SecretMask).Append(", ");
        builder.Append("UsernameFile = ").Append(UsernameFile).Append(", ");
        builder.Append("PasswordFile = ").Append(PasswordFile).Append(", ");
        builder.Append("FileReloadInterval = ").Append(FileReloadInterval).Append(", ");
        builder.Append("Tls = ").Append(Tls);
        return true;
    }
}
