namespace Slotgate.Controller.Reconcile;

/// <summary>
/// Settings for a class's Slotgate pods, from the GatewayClass's parametersRef ConfigMap: <c>image</c>,
/// <c>replicas</c>, and any number of <c>settings.PATH</c> keys, each a Slotgate option by its path
/// (<c>settings.logging.logLevel: Debug</c>) passed to the pods as <c>SLOTGATE_LOGGING__LOGLEVEL</c>.
/// </summary>
internal sealed record SlotgateParameters(string Image, int Replicas, IReadOnlyList<KeyValuePair<string, string>> Settings)
{
    public static readonly SlotgateParameters Default = new(GatewayApi.DefaultImage, 2, []);
}
