using System.Globalization;
using Slotgate.Configuration;

namespace Slotgate.Upstreams;

/// <summary>
/// One server entry of an upstream, in twemproxy's form <c>host:port[:weight] [name]</c>. The ring hashes
/// <see cref="RingName"/>: the name when given, else <c>host:port</c> as twemproxy does (port 11211 hashes as the bare
/// host, libmemcached's convention that twemproxy keeps).
/// </summary>
internal sealed record UpstreamServer(string Endpoint, int Weight, string RingName)
{
    public static bool TryParse(string text, out UpstreamServer? server, out string? error)
    {
        server = null;
        string entry = text.Trim();
        string? name = null;
        int space = entry.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0)
        {
            name = entry[(space + 1)..].Trim();
            entry = entry[..space];
        }
        int weight = 1;
        // host:port:weight, with IPv6 hosts in brackets: a third field exists when the text after the last ':' follows
        // another ':' outside brackets.
        int last = entry.LastIndexOf(':');
        int closing = entry.LastIndexOf(']');
        string hostPort = entry;
        if (last > closing && entry.AsSpan(0, last).LastIndexOf(':') > closing)
        {
            if (!int.TryParse(entry.AsSpan(last + 1), NumberStyles.None, CultureInfo.InvariantCulture, out weight) || weight < 1)
            {
                error = "has a weight that is not a whole number of at least 1";
                return false;
            }
            hostPort = entry[..last];
        }
        if (!HostPort.TryParse(hostPort, out HostPort parsed, out error))
        {
            return false;
        }
        if (parsed.Port == 0)
        {
            error = "has port 0, which no Redis server listens on";
            return false;
        }
        string ringName = name ?? (parsed.Port == 11211 ? parsed.Host : hostPort);
        server = new UpstreamServer(hostPort, weight, ringName);
        error = null;
        return true;
    }
}
