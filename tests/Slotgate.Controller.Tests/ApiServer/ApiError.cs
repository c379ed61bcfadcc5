using System.Text.Json.Nodes;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>A failed request, answered with a <c>Status</c> object as the API server does (kind Status, status Failure).</summary>
public sealed class ApiError(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;

    public string Reason { get; } = reason;

    public JsonObject? Details { get; } = details;

    public JsonObject ToStatus() => Status(Code, Reason, Message, Details?.DeepClone().AsObject());

    public static JsonObject Status(int code, string reason, string message, JsonObject? details)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details is not null)
        {
            status["details"] = details;
        }
        status["code"] = code;
        return status;
    }

    /// <summary>The reason the API server gives for a status code, for injected failures.</summary>
    public static string ReasonFor(int code) => code switch
    {
        400 => "BadRequest",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "NotFound",
        405 => "MethodNotAllowed",
        406 => "NotAcceptable",
        409 => "Conflict",
        410 => "Expired",
        413 => "RequestEntityTooLarge",
        415 => "UnsupportedMediaType",
        422 => "Invalid",
        429 => "TooManyRequests",
        500 => "InternalError",
        503 => "ServiceUnavailable",
        504 => "Timeout",
        _ => "Unknown",
    };

    internal static JsonObject DetailsOf(ResourceType type, string? name)
    {
        var details = new JsonObject();
        if (name is not null)
        {
            details["name"] = name;
        }
        if (type.Group.Length > 0)
        {
            details["group"] = type.Group;
        }
        details["kind"] = type.Plural;
        return details;
    }

    internal static ApiError NotFound(ResourceType type, string name) =>
        new(404, "NotFound", $"{type.GroupResource} \"{name}\" not found", DetailsOf(type, name));

    internal static ApiError NamespaceNotFound(string ns) =>
        new(404, "NotFound", $"namespaces \"{ns}\" not found", new JsonObject { ["name"] = ns, ["kind"] = "namespaces" });

    internal static ApiError AlreadyExists(ResourceType type, string name) =>
        new(409, "AlreadyExists", $"{type.GroupResource} \"{name}\" already exists", DetailsOf(type, name));

    internal static ApiError Conflict(ResourceType type, string name) =>
        new(409, "Conflict",
            $"Operation cannot be fulfilled on {type.GroupResource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
            DetailsOf(type, name));

    internal static ApiError BadRequest(string message) => new(400, "BadRequest", message);

    internal static ApiError Invalid(ResourceType type, string name, IReadOnlyList<string> errors)
    {
        var causes = new JsonArray();
        foreach (string error in errors)
        {
            int colon = error.IndexOf(": ", StringComparison.Ordinal);
            var cause = new JsonObject { ["reason"] = "FieldValueInvalid", ["message"] = error };
            if (colon > 0)
            {
                cause["field"] = error[..colon];
            }
            causes.Add(cause);
        }
        JsonObject details = DetailsOf(type, name);
        details["kind"] = type.Kind;
        details["causes"] = causes;
        string summary = errors.Count == 1 ? errors[0] : $"[{string.Join(", ", errors)}]";
        return new ApiError(422, "Invalid", $"{type.GroupKind} \"{name}\" is invalid: {summary}", details);
    }
}
