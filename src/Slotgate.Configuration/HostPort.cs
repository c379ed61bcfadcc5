using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Slotgate.Configuration;

/// <summary>
/// A <c>host:port</c> endpoint: an IPv4 literal, a bracketed IPv6 literal (<c>[::1]:7000</c>) or a DNS name.
/// IPv6 hosts are stored without brackets and in canonical form, DNS names in lower case, so that equal endpoints
/// compare equal whichever way they were typed.
/// </summary>
internal readonly record struct HostPort
{
    private HostPort(string host, int port, bool isIPv6)
    {
        Host = host;
        Port = port;
        IsIPv6 = isIPv6;
    }

    /// <summary>The host name or address, without brackets.</summary>
    public string Host { get; }

    /// <summary>0..65535. Port 0 is accepted here (an ephemeral listen port); callers that need a real port check it.</summary>
    public int Port { get; }

    public bool IsIPv6 { get; }

    public static HostPort Parse(string text) =>
        TryParse(text, out var result, out var error) ? result : throw new FormatException(error);

    public static bool TryParse([NotNullWhen(true)] string? text, out HostPort result) => TryParse(text, out result, out _);

    /// <param name="error">Why <paramref name="text"/> was rejected, phrased to follow the quoted value.</param>
    public static bool TryParse([NotNullWhen(true)] string? text, out HostPort result, [NotNullWhen(false)] out string? error)
    {
        result = default;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "is not host:port (it is empty)";
            return false;
        }

        string hostPart;
        string portPart;
        if (text[0] == '[')
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
            {
                error = "is not host:port (an IPv6 address is written [address]:port)";
                return false;
            }

            hostPart = text[1..close];
            portPart = text[(close + 2)..];
            if (!IPAddress.TryParse(hostPart, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                error = $"is not host:port ('{hostPart}' is not an IPv6 address)";
                return false;
            }

            if (!TryParsePort(portPart, out var v6Port, out error))
            {
                return false;
            }

            result = new HostPort(v6.ToString(), v6Port, isIPv6: true);
            return true;
        }

        var colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            error = "is not host:port (no port)";
            return false;
        }

        hostPart = text[..colon];
        portPart = text[(colon + 1)..];
        if (hostPart.Contains(':', StringComparison.Ordinal))
        {
            // "::1:7000" is ambiguous (is 7000 part of the address?), which is why RFC 3986 brackets IPv6 literals.
            error = "is not host:port (put an IPv6 address in brackets, e.g. [::1]:7000)";
            return false;
        }

        if (!TryValidateHost(hostPart, out error) || !TryParsePort(portPart, out var port, out error))
        {
            return false;
        }

        result = new HostPort(hostPart.ToLowerInvariant(), port, isIPv6: false);
        return true;
    }

    /// <summary>An <see cref="IPEndPoint"/> for address literals, a <see cref="DnsEndPoint"/> for names (resolved at connect time).</summary>
    public EndPoint ToEndPoint() =>
        IPAddress.TryParse(Host, out var address) ? new IPEndPoint(address, Port) : new DnsEndPoint(Host, Port);

    public override string ToString() =>
        IsIPv6 ? $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}" : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    private static bool TryParsePort(string text, out int port, [NotNullWhen(false)] out string? error)
    {
        // NumberStyles.None: no sign, no spaces, no thousands separators; "70x0" and "+7000" are both mistakes.
        if (text.Length == 0 || text.Length > 5 || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
        {
            port = 0;
            error = "is not host:port (the port must be a number from 0 to 65535)";
            return false;
        }

        error = null;
        return true;
    }

    private static bool TryValidateHost(string host, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (host.Length is 0 or > 253)
        {
            error = "is not host:port (the host is empty or too long)";
            return false;
        }

        var allNumeric = true;
        foreach (var label in host.Split('.'))
        {
            // RFC 1123 labels: 1..63 letters, digits and hyphens, not starting or ending with a hyphen. Underscores are
            // tolerated because some internal DNS (and SRV-style names) use them.
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                error = $"is not host:port ('{host}' is not a valid host name)";
                return false;
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
                {
                    error = $"is not host:port ('{host}' is not a valid host name)";
                    return false;
                }

                allNumeric &= char.IsAsciiDigit(c);
            }
        }

        // A name made only of digits and dots is meant as an IPv4 address. IPAddress.TryParse alone would accept legacy
        // forms such as "10.1" or "1.2.3", which nobody means in a config file, so insist on four octets.
        if (allNumeric && (host.Split('.').Length != 4 || !IPAddress.TryParse(host, out _)))
        {
            error = $"is not host:port ('{host}' is not a valid IPv4 address)";
            return false;
        }

        return true;
    }
}
