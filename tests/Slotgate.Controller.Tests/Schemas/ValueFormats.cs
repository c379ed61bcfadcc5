using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Slotgate.Controller.Tests.Schemas;

/// <summary>
/// The OpenAPI <c>format</c>s the API server checks on strings: date-time, ipv4, ipv6, cidr, byte, hostname, uuid,
/// and Kubernetes' quantity. Other formats (uri, email, password, ...) are not checked here.
/// </summary>
internal static partial class ValueFormats
{
    public static bool IsChecked(string format) =>
        format is "date-time" or "ipv4" or "ipv6" or "cidr" or "byte" or "hostname" or "uuid" or "quantity";

    public static bool IsValid(string format, string value) => format switch
    {
        "date-time" => DateTimeRegex().IsMatch(value)
            && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "ipv4" => IsIPv4(value),
        "ipv6" => value.Contains(':', StringComparison.Ordinal) && IPAddress.TryParse(value, out IPAddress? v6)
            && v6.AddressFamily == AddressFamily.InterNetworkV6 && !value.Contains('%', StringComparison.Ordinal),
        "cidr" => IsCidr(value),
        "byte" => IsBase64(value),
        "hostname" => value.Length <= 255 && HostnameRegex().IsMatch(value),
        "uuid" => UuidRegex().IsMatch(value),
        "quantity" => QuantityRegex().IsMatch(value),
        _ => true,
    };

    /// <summary>Dotted decimal, four octets, no leading zeros (as Go's net.ParseIP since Go 1.17).</summary>
    private static bool IsIPv4(string value)
    {
        string[] octets = value.Split('.');
        return octets.Length == 4 && octets.All(o => o.Length is > 0 and <= 3 && o.All(char.IsAsciiDigit)
            && (o.Length == 1 || o[0] != '0') && int.Parse(o, CultureInfo.InvariantCulture) <= 255);
    }

    private static bool IsCidr(string value)
    {
        int slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !int.TryParse(value[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int prefix))
        {
            return false;
        }
        string address = value[..slash];
        return IsIPv4(address) ? prefix <= 32 : IsValid("ipv6", address) && prefix <= 128;
    }

    private static bool IsBase64(string value)
    {
        Span<byte> buffer = new byte[((value.Length / 4) + 1) * 3];
        return Convert.TryFromBase64String(value, buffer, out _);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\z")]
    private static partial Regex DateTimeRegex();

    [GeneratedRegex(@"^[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?)*\z")]
    private static partial Regex HostnameRegex();

    [GeneratedRegex(@"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}\z")]
    private static partial Regex UuidRegex();

    // Kubernetes resource.Quantity: a signed decimal number, then a binary (Ki..Ei), decimal (n, u, m, k, M..E) or
    // exponent (e3, E-2) suffix.
    [GeneratedRegex(@"^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|([eE][+-]?\d+))?\z")]
    private static partial Regex QuantityRegex();
}
