using System.Net;
using Slotgate.Configuration;
using Slotgate.Controller.Model;

namespace Slotgate.Controller.Reconcile;

/// <summary>Reads a GatewayClass's parametersRef into <see cref="SlotgateParameters"/>, or says why it cannot.</summary>
internal static class ParametersResolver
{
    private const string SettingsPrefix = "settings.";
    private static readonly TimeSpan DefaultDrainTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MaxDrainDelay = TimeSpan.FromMinutes(10);

    /// <summary>Settings the controller derives from parameters of their own; setting them directly would fight those.</summary>
    private static readonly (string Setting, string Parameter)[] Reserved =
    [
        ("shutdown.drainDelay", "drainDelay"),
        ("proxyProtocol.listen", "inboundBinding"),
        ("proxyProtocol.trustedProxies", "trustedProxies"),
    ];

    public static (SlotgateParameters? Parameters, string? Error) Resolve(GatewayClassInput gatewayClass, ClusterSnapshot snapshot)
    {
        if (gatewayClass.ParametersRef is not { } reference)
        {
            return (SlotgateParameters.Default, null);
        }
        if (reference.Group.Length != 0 || reference.Kind != "ConfigMap")
        {
            return (null, $"parametersRef must be a core ConfigMap, not {reference.Group}/{reference.Kind}");
        }
        if (reference.Namespace is not { Length: > 0 } ns)
        {
            return (null, "parametersRef to a ConfigMap needs a namespace");
        }
        if (!snapshot.ParameterConfigMaps.TryGetValue(new ObjectKey(ns, reference.Name), out IReadOnlyDictionary<string, string>? data))
        {
            return (null, $"ConfigMap {ns}/{reference.Name} not found");
        }

        var errors = new List<string>();
        string image = data.TryGetValue("image", out string? i) && i.Length > 0 ? i : GatewayApi.DefaultImage;
        int replicas = SlotgateParameters.Default.Replicas;
        if (data.TryGetValue("replicas", out string? r) && (!int.TryParse(r, out replicas) || replicas < 1 || replicas > 100))
        {
            errors.Add($"replicas: '{r}' is not a number from 1 to 100");
        }

        InboundBinding binding = InboundBinding.None;
        if (data.TryGetValue("inboundBinding", out string? b))
        {
            if (string.Equals(b, "PROXY", StringComparison.OrdinalIgnoreCase))
            {
                binding = InboundBinding.Proxy;
            }
            else if (!(b.Length == 0 || string.Equals(b, "none", StringComparison.OrdinalIgnoreCase)))
            {
                errors.Add($"inboundBinding: '{b}' is not one of none, PROXY");
            }
        }

        string drainDelayText = SlotgateParameters.DefaultDrainDelay;
        ConfigValueParser.TryParseDuration(drainDelayText, out TimeSpan drainDelay);
        if (data.TryGetValue("drainDelay", out string? d))
        {
            if (ConfigValueParser.TryParseDuration(d, out TimeSpan parsedDelay) && parsedDelay <= MaxDrainDelay)
            {
                (drainDelayText, drainDelay) = (d, parsedDelay);
            }
            else
            {
                errors.Add($"drainDelay: '{d}' is not a duration from 0s to 10m (e.g. 5s, 1m30s)");
            }
        }

        IReadOnlyList<string>? trusted = null;
        if (data.TryGetValue("trustedProxies", out string? t))
        {
            var cidrs = t.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var invalid = cidrs.Where(c => !IPNetwork.TryParse(c, out _)).ToList();
            if (cidrs.Length == 0 || invalid.Count > 0)
            {
                errors.Add($"trustedProxies: '{t}' is not a comma-separated list of CIDRs (e.g. 127.0.0.0/8,10.0.0.0/8)");
            }
            else
            {
                trusted = cidrs;
            }
        }

        TimeSpan drainTimeout = DefaultDrainTimeout;
        var settings = new List<KeyValuePair<string, string>>();
        foreach (KeyValuePair<string, string> entry in data.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (entry.Key.StartsWith(SettingsPrefix, StringComparison.Ordinal) && entry.Key.Length > SettingsPrefix.Length)
            {
                string path = entry.Key[SettingsPrefix.Length..];
                if (Reserved.FirstOrDefault(x => path.StartsWith(x.Setting, StringComparison.OrdinalIgnoreCase)) is { Setting: not null } reserved)
                {
                    errors.Add($"{entry.Key}: set by the controller; use the parameter {reserved.Parameter}");
                    continue;
                }
                if (string.Equals(path, "shutdown.drainTimeout", StringComparison.OrdinalIgnoreCase))
                {
                    if (!ConfigValueParser.TryParseDuration(entry.Value, out drainTimeout))
                    {
                        errors.Add($"{entry.Key}: '{entry.Value}' is not a duration (e.g. 10s)");
                    }
                }
                settings.Add(new("SLOTGATE_" + path.Replace(".", "__", StringComparison.Ordinal).ToUpperInvariant(), entry.Value));
            }
            else if (entry.Key is not ("image" or "replicas" or "inboundBinding" or "drainDelay" or "trustedProxies"))
            {
                errors.Add($"{entry.Key}: unknown key (expected image, replicas, inboundBinding, drainDelay, trustedProxies or settings.PATH)");
            }
        }
        return errors.Count > 0
            ? (null, string.Join("; ", errors))
            : (new SlotgateParameters(image, replicas, settings, binding, drainDelayText, trusted, drainDelay + drainTimeout), null);
    }
}
