using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>
/// One request as the API server's audit log sees it: the verb (<c>get</c>, <c>list</c>, <c>watch</c>, <c>create</c>,
/// <c>update</c>, <c>patch</c>, <c>delete</c>, <c>deletecollection</c>), the resource, the user, and the answer's status
/// code. Fault injection matches on it before the request is carried out.
/// </summary>
public sealed class ApiRequest
{
    public required string Verb { get; init; }

    public required string Group { get; init; }

    public required string Version { get; init; }

    /// <summary>The plural resource name, e.g. <c>deployments</c>.</summary>
    public required string Resource { get; init; }

    public string? Namespace { get; init; }

    public string? Name { get; init; }

    /// <summary>E.g. <c>status</c>; null for the main resource.</summary>
    public string? Subresource { get; init; }

    public required string User { get; init; }

    /// <summary>For a patch: <c>apply</c>, <c>merge</c>, <c>strategic</c> or <c>json</c>.</summary>
    public string? PatchType { get; init; }

    public string? FieldManager { get; init; }

    /// <summary>The request body, parsed, for writes.</summary>
    public JsonNode? Body { get; init; }

    /// <summary>The status code answered (0 while the request is in flight; 200 for a watch that was opened).</summary>
    public int Code { get; internal set; }

    public override string ToString() =>
        $"{Verb} {Resource}{(Subresource is null ? "" : "/" + Subresource)} {Namespace}/{Name} by {User} -> {Code}";
}
