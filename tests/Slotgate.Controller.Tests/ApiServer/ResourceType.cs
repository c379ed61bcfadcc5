namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>
/// One served kind at one version, as discovery describes it: group, version, kind, plural, scope, and whether
/// <c>status</c> is a subresource. Versions of one group and plural share their stored objects (the Gateway API
/// versions have identical schemas, so no conversion is modelled beyond the <c>apiVersion</c> field).
/// </summary>
public sealed record ResourceType(
    string Group,
    string Version,
    string Kind,
    string Plural,
    bool Namespaced,
    bool HasStatus,
    bool TracksGeneration,
    bool BuiltIn)
{
    /// <summary>Short names discovery lists (kubectl's <c>cm</c>, <c>deploy</c>, <c>gtw</c>).</summary>
    public IReadOnlyList<string> ShortNames { get; init; } = [];

    /// <summary>Categories discovery lists (kubectl's <c>all</c>).</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string ListKind => Kind + "List";

    /// <summary>The qualified resource as error messages name it: <c>configmaps</c>, <c>deployments.apps</c>.</summary>
    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>The qualified kind as validation errors name it: <c>ConfigMap</c>, <c>Deployment.apps</c>.</summary>
    public string GroupKind => Group.Length == 0 ? Kind : $"{Kind}.{Group}";

    public string Singular => Kind.ToLowerInvariant();
}
