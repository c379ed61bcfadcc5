using System.Text;

namespace Slotgate.Configuration;

/// <summary>
/// A named upstream besides the main cluster (<c>cluster:</c>, named <see cref="UpstreamOptions.DefaultName"/>), for
/// prefix routes: a Redis Cluster, one standalone server, or standalone servers sharded by ketama consistent hashing
/// the way twemproxy does, so data placed by twemproxy stays where it is.
/// </summary>
internal sealed record UpstreamOptions
{
    /// <summary>The name routes use for the main cluster.</summary>
    public const string DefaultName = "default";

    public static IReadOnlyList<string> Types { get; } = ["cluster", "standalone", "ketama"];

    public string Name { get; init; } = string.Empty;

    /// <summary><c>cluster</c> (servers are seeds), <c>standalone</c> (one server), <c>ketama</c> (a hash ring of servers).</summary>
    public string Type { get; init; } = "cluster";

    /// <summary>
    /// <c>host:port</c>; for ketama also twemproxy's <c>host:port:weight [name]</c>: the name (or host:port when
    /// absent) is what the ring hashes, so keeping twemproxy's names keeps every key on its server.
    /// </summary>
    public IReadOnlyList<string> Servers { get; init; } = [];

    public string? Username { get; init; }

    public string? Password { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Name = ").Append(Name).Append(", Type = ").Append(Type);
        builder.Append(", Servers = [").AppendJoin(", ", Servers).Append("], Username = ").Append(Username);
        builder.Append(", Password = ").Append(Password is null ? null : SlotgateOptions.SecretMask);
        return true;
    }
}
