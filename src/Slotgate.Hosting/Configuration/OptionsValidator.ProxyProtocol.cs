using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Slotgate.Security;

namespace Slotgate.Configuration;

/// <summary>The checks for the PROXY protocol listeners, identities and the drain delay.</summary>
internal static partial class OptionsValidator
{
    /// <summary>At most this many <c>diagnostics.identities</c>: each is a label value on every scrape.</summary>
    public const int MaxDiagnosticsIdentities = 64;

    private static void ValidateProxyProtocol(SlotgateOptions options, List<string> errors)
    {
        ProxyProtocolOptions proxy = options.ProxyProtocol;
        var others = new Dictionary<HostPort, string>();
        foreach ((string key, IReadOnlyList<string> list) in new[] { ("listen", options.Listen), ("tls.listen", options.Tls.Listen) })
        {
            foreach (string address in list)
            {
                if (HostPort.TryParse(address, out HostPort parsed, out _) && parsed.Port != 0)
                {
                    others.TryAdd(parsed, key);
                }
            }
        }
        if (options.Admin.Enabled && HostPort.TryParse(options.Admin.Listen, out HostPort admin, out _) && admin.Port != 0)
        {
            others.TryAdd(admin, "admin.listen");
        }
        var seen = new HashSet<HostPort>();
        for (int i = 0; i < proxy.Listen.Count; i++)
        {
            string path = $"proxyProtocol.listen[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (!HostPort.TryParse(proxy.Listen[i], out HostPort endpoint, out string? error))
            {
                errors.Add($"{path}: '{proxy.Listen[i]}' {error}");
            }
            else if (!seen.Add(endpoint))
            {
                errors.Add($"{path}: '{proxy.Listen[i]}' is listed twice");
            }
            else if (endpoint.Port != 0 && others.TryGetValue(endpoint, out string? clash))
            {
                errors.Add($"{path}: '{proxy.Listen[i]}' is also a {clash} address");
            }
        }
        for (int i = 0; i < proxy.TrustedProxies.Count; i++)
        {
            string cidr = proxy.TrustedProxies[i];
            if (!TryParseCidr(cidr, out _))
            {
                errors.Add($"proxyProtocol.trustedProxies[{i.ToString(CultureInfo.InvariantCulture)}]: '{cidr}' is not a CIDR " +
                    "(address/prefix length with no bits set past the prefix, e.g. 10.0.0.0/8 or fd00::/8)");
            }
        }
        Positive(proxy.HeaderTimeout, "proxyProtocol.headerTimeout", errors);
        NotNegative(options.Shutdown.DrainDelay, "shutdown.drainDelay", errors);

        IReadOnlyList<string> identities = options.Diagnostics.Identities;
        if (identities.Count > MaxDiagnosticsIdentities)
        {
            errors.Add($"diagnostics.identities: at most {MaxDiagnosticsIdentities} (each is a metrics label value), got {identities.Count.ToString(CultureInfo.InvariantCulture)}");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < identities.Count; i++)
        {
            string path = $"diagnostics.identities[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (IdentityPattern.Parse(identities[i], out string? error) is null)
            {
                errors.Add($"{path}: {error}");
            }
            else if (!names.Add(identities[i]))
            {
                errors.Add($"{path}: '{identities[i]}' is listed twice");
            }
        }
    }

    /// <summary>
    /// <c>address/prefix</c> with no address bits set past the prefix: <c>10.1.2.3/8</c> is refused rather than read
    /// as <c>10.0.0.0/8</c>, since whoever wrote it may have meant a single host.
    /// </summary>
    public static bool TryParseCidr(string text, out IPNetwork network)
    {
        network = default;
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0
            || !IPAddress.TryParse(text.AsSpan(0, slash), out IPAddress? address)
            || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int prefix))
        {
            return false;
        }
        byte[] bytes = address.GetAddressBytes();
        if (prefix > bytes.Length * 8 || (address.AddressFamily == AddressFamily.InterNetworkV6 && address.ScopeId != 0))
        {
            return false;
        }
        for (int bit = prefix; bit < bytes.Length * 8; bit++)
        {
            if ((bytes[bit / 8] & (0x80 >> (bit % 8))) != 0)
            {
                return false;
            }
        }
        network = new IPNetwork(address, prefix);
        return true;
    }
}
