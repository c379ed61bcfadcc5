using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>The HTTP side: routing, authentication and authorization, faults and delays, and the request bodies.</summary>
public sealed partial class TestApiServer
{
    private sealed record Target(string Group, string Version, ResourceType Type, string? Namespace, string? Name, string? Subresource, bool WatchPrefix);

    private async Task HandleAsync(HttpContext context)
    {
        ApiRequest? audit = null;
        try
        {
            Identity? identity = Authenticate(context);
            string path = context.Request.Path.Value ?? "/";
            if (identity is null && !IsResourcePath(path))
            {
                throw Unauthorized();
            }
            if (await TryNonResourceAsync(context, path).ConfigureAwait(false))
            {
                return;
            }
            Target target = Resolve(path);
            string verb = VerbOf(context.Request, target);
            JsonNode? body = null;
            string? patchType = null;
            if (verb is "create" or "update" or "patch" or "delete" or "deletecollection")
            {
                using var reader = new StreamReader(context.Request.Body, Encoding.UTF8, leaveOpen: true);
                string text = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
                if (verb == "patch")
                {
                    patchType = PatchTypeOf(context.Request.ContentType, target.Type);
                }
                body = ParseBody(text, patchType == "apply");
            }
            IQueryCollection query = context.Request.Query;
            audit = new ApiRequest
            {
                Verb = verb,
                Group = target.Group,
                Version = target.Version,
                Resource = target.Type.Plural,
                Namespace = target.Namespace,
                Name = target.Name,
                Subresource = target.Subresource,
                User = identity?.User ?? "system:anonymous",
                PatchType = patchType,
                FieldManager = query["fieldManager"].FirstOrDefault(),
                Body = body,
            };
            lock (_gate)
            {
                _requests.Add(audit);
            }
            if (identity is null)
            {
                throw Unauthorized();
            }
            Authorize(identity, target, verb);
            if (verb == "patch" && patchType == "apply" && _store.Peek(target.Group, target.Type.Plural, target.Namespace, target.Name!) is null)
            {
                // Apply that creates needs the create permission as well.
                Authorize(identity, target, "create");
            }
            Fault? fault;
            TimeSpan delay;
            lock (_gate)
            {
                fault = _faults.LastOrDefault(f => f.Match(audit));
                delay = _delays.Where(d => d.Match(audit)).Aggregate(TimeSpan.Zero, (total, d) => total + d.Delay);
            }
            if (delay > TimeSpan.Zero)
            {
                // At least the delay by the Stopwatch a test measures with: a timer can fire a tick early by that clock.
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                await Task.Delay(delay, context.RequestAborted).ConfigureAwait(false);
                while (System.Diagnostics.Stopwatch.GetElapsedTime(start) < delay)
                {
                    await Task.Delay(1, context.RequestAborted).ConfigureAwait(false);
                }
            }
            if (fault is not null)
            {
                throw new ApiError(fault.Code, ApiError.ReasonFor(fault.Code), fault.Message, ApiError.DetailsOf(target.Type, target.Name));
            }
            if (verb == "watch")
            {
                audit.Code = 200;
                await WatchAsync(context, target).ConfigureAwait(false);
                return;
            }
            (int code, JsonObject response) = Execute(context.Request, target, verb, body, patchType, identity);
            audit.Code = code;
            await WriteJsonAsync(context, code, response).ConfigureAwait(false);
        }
        catch (ApiError error)
        {
            if (audit is not null)
            {
                audit.Code = error.Code;
            }
            if (!context.Response.HasStarted)
            {
                await WriteJsonAsync(context, error.Code, error.ToStatus()).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A fault of the test server itself: answered as the API server answers an internal error, with the cause.
            if (audit is not null)
            {
                audit.Code = 500;
            }
            if (!context.Response.HasStarted)
            {
                await WriteJsonAsync(context, 500, ApiError.Status(500, "InternalError", $"an error on the server (\"{e}\") has prevented the request from succeeding", null)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The identity of the request's bearer token; null when there is none or it is unknown.</summary>
    private Identity? Authenticate(HttpContext context)
    {
        string? header = context.Request.Headers.Authorization.FirstOrDefault();
        if (header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            lock (_gate)
            {
                if (_tokens.TryGetValue(header[7..].Trim(), out Identity? identity))
                {
                    return identity;
                }
            }
        }
        return null;
    }

    private static ApiError Unauthorized() => new(401, "Unauthorized", "Unauthorized");

    private static bool IsResourcePath(string path)
    {
        string[] segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return (segments.Length >= 3 && segments[0] == "api") || (segments.Length >= 4 && segments[0] == "apis");
    }

    private void Authorize(Identity identity, Target target, string verb)
    {
        var attributes = new Rbac.Attributes(verb, target.Group, target.Type.Plural, target.Subresource, target.Namespace, target.Name);
        if (!Rbac.Allows(_store, identity, attributes))
        {
            throw new ApiError(403, "Forbidden", Rbac.ForbiddenMessage(target.Type, identity, attributes), ApiError.DetailsOf(target.Type, target.Name));
        }
    }

    private static ApiError NoSuchResource() =>
        new(404, "NotFound", "the server could not find the requested resource", new JsonObject());

    private Target Resolve(string path)
    {
        string[] segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string group, version;
        ArraySegment<string> rest;
        if (segments.Length >= 3 && segments[0] == "api")
        {
            (group, version, rest) = ("", segments[1], segments[2..]);
        }
        else if (segments.Length >= 4 && segments[0] == "apis")
        {
            (group, version, rest) = (segments[1], segments[2], segments[3..]);
        }
        else
        {
            throw NoSuchResource();
        }
        bool watchPrefix = false;
        if (rest.Count > 1 && rest[0] == "watch")
        {
            watchPrefix = true;
            rest = rest[1..];
        }
        string? ns = null;
        if (rest.Count >= 3 && rest[0] == "namespaces" && _table.Find(group, version, rest[2]) is { Namespaced: true })
        {
            ns = rest[1];
            rest = rest[2..];
        }
        ResourceType type = _table.Find(group, version, rest[0]) ?? throw NoSuchResource();
        if (rest.Count > 3 || (type.Namespaced && ns is null && rest.Count > 1) || (!type.Namespaced && ns is not null))
        {
            throw NoSuchResource();
        }
        string? name = rest.Count > 1 ? rest[1] : null;
        string? subresource = rest.Count > 2 ? rest[2] : null;
        if (subresource is not null && !(subresource == "status" && type.HasStatus))
        {
            throw NoSuchResource();
        }
        return new Target(group, version, type, ns, name, subresource, watchPrefix);
    }

    private static string VerbOf(HttpRequest request, Target target)
    {
        bool watch = target.WatchPrefix || request.Query["watch"].FirstOrDefault() is "true" or "1";
        return (request.Method, target.Name) switch
        {
            ("GET", null) => watch ? "watch" : "list",
            ("GET", _) => watch ? "watch" : "get",
            ("POST", null) => "create",
            ("PUT", not null) => "update",
            ("PATCH", not null) => "patch",
            ("DELETE", null) => "deletecollection",
            ("DELETE", _) => "delete",
            _ => throw new ApiError(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource"),
        };
    }

    private static string PatchTypeOf(string? contentType, ResourceType type)
    {
        string media = (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();
        return media switch
        {
            "application/apply-patch+yaml" or "application/apply-patch+json" => "apply",
            "application/merge-patch+json" => "merge",
            "application/json-patch+json" => "json",
            "application/strategic-merge-patch+json" when type.BuiltIn => "strategic",
            _ => throw new ApiError(415, "UnsupportedMediaType",
                $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml{(type.BuiltIn ? ", application/strategic-merge-patch+json" : "")}"),
        };
    }

    private static JsonNode? ParseBody(string text, bool yaml)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        try
        {
            return yaml ? YamlBody.Parse(text) : JsonNode.Parse(text);
        }
        catch (Exception e) when (e is JsonException or YamlDotNet.Core.YamlException)
        {
            throw ApiError.BadRequest($"the object provided is unrecognized or malformed: {e.Message}");
        }
    }

    private static async Task WriteJsonAsync(HttpContext context, int code, JsonNode body)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonText.Write(body), context.RequestAborted).ConfigureAwait(false);
    }
}
