using Slotgate.Controller.Model;

namespace Slotgate.Controller.Reconcile;

/// <summary>Reads a GatewayClass's parametersRef into <see cref="SlotgateParameters"/>, or says why it cannot.</summary>
internal static class ParametersResolver
{
    private const string SettingsPrefix = "settings.";

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
        var settings = new List<KeyValuePair<string, string>>();
        foreach (KeyValuePair<string, string> entry in data.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (entry.Key.StartsWith(SettingsPrefix, StringComparison.Ordinal) && entry.Key.Length > SettingsPrefix.Length)
            {
                string path = entry.Key[SettingsPrefix.Length..];
                settings.Add(new("SLOTGATE_" + path.Replace(".", "__", StringComparison.Ordinal).ToUpperInvariant(), entry.Value));
            }
            else if (entry.Key is not ("image" or "replicas"))
            {
                errors.Add($"{entry.Key}: unknown key (expected image, replicas or settings.PATH)");
            }
        }
        return errors.Count > 0 ? (null, string.Join("; ", errors)) : (new SlotgateParameters(image, replicas, settings), null);
    }
}
