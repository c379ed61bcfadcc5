// What the test API server models, and what only a real cluster shows.
//
// TestApiServer is an in-process HTTP server (Kestrel on 127.0.0.1, a free port) that speaks enough of the Kubernetes
// REST API for the unmodified KubernetesClient package - and kubectl - to work against it. It is stateful and keeps
// the contract a controller depends on:
//
// Modelled:
// - Resources: core v1 namespaces, services, configmaps, serviceaccounts, pods, events, secrets, endpoints; apps/v1
//   deployments; policy/v1 poddisruptionbudgets; autoscaling/v2 horizontalpodautoscalers; coordination.k8s.io/v1
//   leases; events.k8s.io/v1 events; rbac.authorization.k8s.io/v1 cluster roles, roles and their bindings;
//   apiextensions.k8s.io/v1 customresourcedefinitions, and every CRD created through the API: its served versions,
//   plural, scope and status subresource come from the CRD object. Versions of one CRD share their objects.
// - Namespaced and cluster-scoped URLs; discovery (/api, /apis, /apis/GROUP, /apis/GROUP/VERSION, /version).
// - Objects: one global resourceVersion counter; uid, creationTimestamp, generation (1 on create, +1 when anything but
//   metadata and status changes, for the kinds that track it); status as a separate subresource; a write that
//   changes nothing is not stored and sends no watch event. Creating in a missing namespace is 404. A PUT without
//   resourceVersion is unconditional for built-in kinds and rejected (422) for custom resources and CRDs.
// - The API server's own validation of what Slotgate's objects can get wrong: names, label and annotation keys, label
//   values, a Deployment's selector (matching its template, immutable), a Service's ClusterIP (immutable); schema
//   validation through an optional hook (the tests pass the Kubernetes and Gateway API schema validator).
// - Errors as Status objects with the real reasons and message shapes: NotFound, AlreadyExists, Conflict (stale
//   resourceVersion on PUT, patch or apply), Invalid (422, from the validation hook), Forbidden, Unauthorized,
//   BadRequest, Expired.
// - Patches: JSON merge patch, strategic merge patch (merge keys of the lists Slotgate's objects carry; rejected with
//   415 for custom resources as the real server does), JSON patch, and server-side apply with field ownership per
//   manager in metadata.managedFields (FieldsV1), conflicts (409 listing the fields) unless force, removal of fields
//   a manager stops applying, create on apply (which needs the create permission too).
// - List with labelSelector, fieldSelector (any dotted path), limit/continue; watch from a resourceVersion with
//   ADDED/MODIFIED/DELETED in order (ADDED/DELETED when an object starts or stops matching a selector), 200 with an
//   ERROR event (Status 410 Expired) for a resourceVersion older than the history kept, timeoutSeconds, and test hooks
//   to compact the history and to drop every open watch.
// - Deletion: finalizers hold an object (deletionTimestamp set, 202) until an update removes the last one; then, as
//   the garbage collector's background deletion would, right away, every dependent whose owners are all gone is
//   deleted (Orphan strips the owner references instead); deleting a namespace deletes its contents, the namespace
//   staying Terminating (no new content: 403) while finalizers hold some of them.
// - Bearer-token authentication (unknown token: 401) and RBAC authorization from the ClusterRoles, Roles and bindings
//   stored in the server (verbs, resources with subresources, wildcards, resourceNames), 403 with the real message.
// - Leases are plain objects with the same concurrency rules, which is all client-side leader election needs.
//
// Not modelled, so only a real cluster shows it:
// - Admission: mutating and validating webhooks, defaulting of built-in fields (e.g. protocol: TCP, imagePullPolicy;
//   a Service's ClusterIP is allocated, as the API server itself does), ValidatingAdmissionPolicies; schema validation
//   and CEL rules come only from the optional validation hook.
// - Controllers: no deployment, replicaset, endpoints or scheduler controllers - nothing sets a Deployment's status or
//   creates pods unless the test does; garbage collection is immediate (no GC delay, no foreground deletion ordering,
//   no graceful pod termination); deleting a CRD removes its objects regardless of their finalizers.
// - Version conversion: CRD versions differ only in apiVersion (as the Gateway API's do); core/v1 and events.k8s.io/v1
//   Events are one resource (fields renamed between the two shapes). No defaulting from CRD schemas, no pruning of
//   unknown fields.
// - Aggregated APIs, OpenAPI documents, aggregated discovery, protobuf, CBOR, HTTP/2, TLS, watch bookmarks and
//   cache semantics (every list and watch is served from the latest state).
// - Server-side apply is approximated: lists are keyed by a fixed table of merge keys (containers, env, volumes and
//   ports by name or port, conditions by type, listeners by name, ...) instead of the schemas; other lists are atomic.
// - ClusterRole aggregation, impersonation, authentication other than bearer tokens, API priority and fairness.
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>
/// A stateful in-process Kubernetes API server for the controller's tests (what it models is described at the top
/// of this file). Start one with <see cref="StartAsync"/>, make clients with <see cref="AdminClient"/> (no
/// authorization) and <see cref="ClientFor"/> (a service account, authorized by the stored RBAC objects), and set up
/// or inspect state directly with the admin helpers (<see cref="Create"/>, <see cref="Get"/>, ...).
/// </summary>
public sealed class TestApiServer : IAsyncDisposable, IDisposable
{
    private const string AdminUser = "test-admin";
    private const string DefaultManager = "test";

    private static readonly Lazy<IReadOnlyList<JsonObject>> GatewayApiCrdDocuments = new(LoadGatewayApiCrds);

    private readonly WebApplication _app;
    private readonly ResourceTable _table = new();
    private readonly ObjectStore _store;
    private readonly TestApiServerOptions _options;
    private readonly Dictionary<string, Identity> _tokens = new(StringComparer.Ordinal);
    private readonly List<ApiRequest> _requests = [];
    private readonly List<Fault> _faults = [];
    private readonly List<(Func<ApiRequest, bool> Match, TimeSpan Delay)> _delays = [];
    private readonly object _gate = new();
    private TestCertificates? _certificates;

    private sealed record Fault(Func<ApiRequest, bool> Match, int Code, string Message);

    private TestApiServer(WebApplication app, TestApiServerOptions options)
    {
        _app = app;
        _options = options;
        _store = new ObjectStore(_table, options.Validate);
        AdminToken = "admin-" + Guid.NewGuid().ToString("N");
        _tokens[AdminToken] = new Identity(AdminUser, ["system:masters", "system:authenticated"], true);
        foreach (string ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            _store.Create(Type("v1", "Namespace"), null, new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } }, DefaultManager);
        }
    }

    /// <summary>The server's address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Host { get; private set; } = "";

    /// <summary>A token with every permission (cluster-admin, no authorization checks), for test set-up.</summary>
    public string AdminToken { get; }

    /// <summary>The latest resourceVersion handed out.</summary>
    public long ResourceVersion => _store.ResourceVersion;

    /// <summary>The number of watch streams open now.</summary>
    public int OpenWatches => _store.OpenWatchCount;

    public static async Task<TestApiServer> StartAsync(TestApiServerOptions? options = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        options ??= new TestApiServerOptions();
        TestCertificates? certificates = options.Tls ? TestCertificates.Create() : null;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificates is not null)
            {
                listen.UseHttps(certificates.Serving);
            }
        }));
        WebApplication app = builder.Build();
        var server = new TestApiServer(app, options) { _certificates = certificates };
        app.Run(server.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Host = address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        if (certificates is not null && server.Host.StartsWith("http://", StringComparison.Ordinal))
        {
            server.Host = "https://" + server.Host["http://".Length..];
        }
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        _store.DropWatches(abort: true);
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stopping.Token).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    // ---- clients ----

    public KubernetesClientConfiguration AdminConfig() => Config(AdminToken, "default");

    private KubernetesClientConfiguration Config(string token, string ns)
    {
        var config = new KubernetesClientConfiguration { Host = Host, AccessToken = token, Namespace = ns };
        if (_certificates is not null)
        {
            config.SslCaCerts = [X509CertificateLoader.LoadCertificate(_certificates.Authority.RawData)];
        }
        return config;
    }

    /// <summary>The CA certificate (PEM) of an HTTPS server, null for plain HTTP.</summary>
    public string? CertificateAuthorityPem => _certificates?.AuthorityPem;

    public IKubernetes AdminClient() => new k8s.Kubernetes(AdminConfig());

    /// <summary>A configuration for service account <paramref name="serviceAccount"/> of <paramref name="ns"/>.</summary>
    public KubernetesClientConfiguration ConfigFor(string ns, string serviceAccount) =>
        Config(TokenFor(Identity.ServiceAccount(ns, serviceAccount)), ns);

    /// <summary>A client acting as service account <paramref name="serviceAccount"/> of <paramref name="ns"/>, authorized by the stored RBAC objects.</summary>
    public IKubernetes ClientFor(string ns, string serviceAccount) => new k8s.Kubernetes(ConfigFor(ns, serviceAccount));

    /// <summary>A bearer token for an identity (the same token each time it is asked for).</summary>
    public string TokenFor(Identity identity)
    {
        lock (_gate)
        {
            foreach ((string token, Identity known) in _tokens)
            {
                if (known == identity || (known.User == identity.User && known.Admin == identity.Admin && known.Groups.SequenceEqual(identity.Groups)))
                {
                    return token;
                }
            }
            string created = "token-" + Guid.NewGuid().ToString("N");
            _tokens[created] = identity;
            return created;
        }
    }

    /// <summary>Writes a kubeconfig file whose current context is service account <paramref name="serviceAccount"/> of <paramref name="ns"/>.</summary>
    public void WriteKubeconfig(string path, string ns, string serviceAccount) =>
        File.WriteAllText(path, Kubeconfig(TokenFor(Identity.ServiceAccount(ns, serviceAccount)), ns, $"{ns}-{serviceAccount}"));

    /// <summary>Writes a kubeconfig file for the admin token.</summary>
    public void WriteAdminKubeconfig(string path) => File.WriteAllText(path, Kubeconfig(AdminToken, "default", "admin"));

    private string Kubeconfig(string token, string ns, string user) => $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: test
          cluster:
            server: {Host}{(_certificates is null ? "" : "\n    certificate-authority-data: " + Convert.ToBase64String(Encoding.ASCII.GetBytes(_certificates.AuthorityPem)))}
        users:
        - name: {user}
          user:
            token: {token}
        contexts:
        - name: test
          context:
            cluster: test
            user: {user}
            namespace: {ns}
        current-context: test

        """;

    // ---- test hooks ----

    /// <summary>Every request answered so far, in order.</summary>
    public IReadOnlyList<ApiRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    public void ClearRequests()
    {
        lock (_gate)
        {
            _requests.Clear();
        }
    }

    /// <summary>
    /// Makes every request that <paramref name="match"/> selects (after authentication and authorization, before it
    /// is carried out) fail with <paramref name="code"/> and a Status carrying <paramref name="message"/>, until the
    /// returned handle is disposed.
    /// </summary>
    public IDisposable FailRequests(Func<ApiRequest, bool> match, int code, string message)
    {
        var fault = new Fault(match, code, message);
        lock (_gate)
        {
            _faults.Add(fault);
        }
        return new Removal(() =>
        {
            lock (_gate)
            {
                _faults.Remove(fault);
            }
        });
    }

    /// <summary>
    /// Holds every request that <paramref name="match"/> selects for <paramref name="delay"/> (after authorization,
    /// before it is carried out), as a slow or overloaded API server would, until the returned handle is disposed.
    /// </summary>
    public IDisposable DelayRequests(Func<ApiRequest, bool> match, TimeSpan delay)
    {
        var entry = (match, delay);
        lock (_gate)
        {
            _delays.Add(entry);
        }
        return new Removal(() =>
        {
            lock (_gate)
            {
                _delays.Remove(entry);
            }
        });
    }

    private sealed class Removal(Action remove) : IDisposable
    {
        public void Dispose() => remove();
    }

    /// <summary>Forgets the watch history up to now: a watch from an earlier resourceVersion gets 410 Expired.</summary>
    public void Compact() => _store.Compact();

    /// <summary>Ends every open watch stream: cleanly as on a server-side timeout, or (<paramref name="abort"/>) by resetting the connection.</summary>
    public int DropWatches(bool abort = false) => _store.DropWatches(abort);

    /// <summary>Sends a BOOKMARK event (the current resourceVersion) to every open watch that allows bookmarks, as the server does now and then.</summary>
    public int SendBookmarks() => _store.SendBookmarks();

    /// <summary>Waits until an object exists and satisfies <paramref name="condition"/>; returns it.</summary>
    public async Task<JsonObject> WaitForAsync(
        string apiVersion, string kind, string? ns, string name, Func<JsonObject, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            JsonObject? current = TryGet(apiVersion, kind, ns, name);
            if (current is not null && condition(current))
            {
                return current;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{kind} {ns}/{name} did not reach the expected state; it is now: {(current is null ? "absent" : JsonText.Write(current))}");
            }
            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until a request that <paramref name="match"/> selects has been answered; returns it.</summary>
    public async Task<ApiRequest> WaitForRequestAsync(Func<ApiRequest, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            if (Requests.FirstOrDefault(r => r.Code != 0 && match(r)) is ApiRequest request)
            {
                return request;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("no matching request was answered; requests: " + string.Join("; ", Requests));
            }
            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    // ---- CRDs ----

    /// <summary>Creates CRD objects (as an admin would); each one's served versions become available at once.</summary>
    public void InstallCrds(IEnumerable<JsonObject> crds)
    {
        foreach (JsonObject crd in crds)
        {
            if ((string?)crd["kind"] == "CustomResourceDefinition")
            {
                Create(crd.DeepClone().AsObject());
            }
        }
    }

    /// <summary>Installs the Gateway API v1.4.1 experimental-channel CRDs.</summary>
    public void InstallGatewayApiCrds() => InstallCrds(GatewayApiCrds());

    /// <summary>The Gateway API v1.4.1 experimental-channel CRD objects (parsed once per test run).</summary>
    public static IReadOnlyList<JsonObject> GatewayApiCrds() => GatewayApiCrdDocuments.Value;

    private static IReadOnlyList<JsonObject> LoadGatewayApiCrds()
    {
        const string FileName = "gateway-api-v1.4.1-experimental-install.yaml";
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            foreach (string candidate in new[]
                     {
                         Path.Combine(directory.FullName, "tests", "Slotgate.Controller.Tests", "Schemas", "Data", FileName),
                         Path.Combine(directory.FullName, "Schemas", "Data", FileName),
                         Path.Combine(directory.FullName, "shared", "k8s", FileName),
                     })
            {
                if (File.Exists(candidate))
                {
                    return YamlBody.Documents(File.ReadAllText(candidate)).Where(d => (string?)d["kind"] == "CustomResourceDefinition").ToList();
                }
            }
        }
        throw new FileNotFoundException($"{FileName} not found above {AppContext.BaseDirectory}");
    }

    // ---- admin helpers (no HTTP, no authorization; validation still applies) ----

    private ResourceType Type(string apiVersion, string kind) =>
        _table.ByKind(apiVersion, kind) ?? throw new ArgumentException($"the server does not serve {kind} in {apiVersion}");

    private ResourceType TypeOf(JsonObject obj) => Type((string?)obj["apiVersion"] ?? "", (string?)obj["kind"] ?? "");

    private static string? NamespaceOf(ResourceType type, JsonObject obj) =>
        type.Namespaced ? (string?)obj["metadata"]?["namespace"] ?? "default" : null;

    public JsonObject Get(string apiVersion, string kind, string? ns, string name) => _store.Get(Type(apiVersion, kind), ns, name);

    public JsonObject? TryGet(string apiVersion, string kind, string? ns, string name)
    {
        try
        {
            return Get(apiVersion, kind, ns, name);
        }
        catch (ApiError e) when (e.Code == 404)
        {
            return null;
        }
    }

    public IReadOnlyList<JsonObject> List(string apiVersion, string kind, string? ns = null, string? labelSelector = null) =>
        _store.List(Type(apiVersion, kind), ns, Selectors.Parse(labelSelector, null)).Items;

    public JsonObject Create(JsonObject obj, string fieldManager = DefaultManager)
    {
        ResourceType type = TypeOf(obj);
        return _store.Create(type, NamespaceOf(type, obj), obj, fieldManager);
    }

    /// <summary>Replaces an object (status is kept for kinds with a status subresource); a stale resourceVersion is a 409.</summary>
    public JsonObject Update(JsonObject obj, string fieldManager = DefaultManager)
    {
        ResourceType type = TypeOf(obj);
        return _store.Update(type, NamespaceOf(type, obj), (string)obj["metadata"]!["name"]!, obj, null, fieldManager);
    }

    /// <summary>Replaces only the status, as a built-in controller would (e.g. a Deployment's readyReplicas).</summary>
    public JsonObject UpdateStatus(JsonObject obj, string fieldManager = DefaultManager)
    {
        ResourceType type = TypeOf(obj);
        return _store.Update(type, NamespaceOf(type, obj), (string)obj["metadata"]!["name"]!, obj, type.HasStatus ? "status" : null, fieldManager);
    }

    /// <summary>Changes the latest version of an object in place and writes it back (status included, for status kinds).</summary>
    public JsonObject Modify(string apiVersion, string kind, string? ns, string name, Action<JsonObject> change, string fieldManager = DefaultManager)
    {
        ResourceType type = Type(apiVersion, kind);
        JsonObject result = _store.Patch(type, ns, name, null, current =>
        {
            change(current);
            return current;
        }, fieldManager);
        if (type.HasStatus)
        {
            result = _store.Patch(type, ns, name, "status", current =>
            {
                change(current);
                return current;
            }, fieldManager);
        }
        return result;
    }

    /// <summary>Server-side apply as <paramref name="fieldManager"/>.</summary>
    public JsonObject Apply(JsonObject obj, string fieldManager, bool force = false, string? subresource = null)
    {
        ResourceType type = TypeOf(obj);
        return _store.Apply(type, NamespaceOf(type, obj), (string)obj["metadata"]!["name"]!, obj, fieldManager, force, subresource).Object;
    }

    public void Delete(string apiVersion, string kind, string? ns, string name) => _store.Delete(Type(apiVersion, kind), ns, name, null);

    /// <summary>Creates manifests as <c>kubectl create</c> would: namespaces and CRDs first, then the rest in order.</summary>
    public IReadOnlyList<JsonObject> CreateAll(IEnumerable<JsonObject> objects, string fieldManager = DefaultManager)
    {
        static int Rank(JsonObject o) => (string?)o["kind"] switch { "Namespace" => 0, "CustomResourceDefinition" => 1, _ => 2 };
        return objects.OrderBy(Rank).Select(o => Create(o, fieldManager)).ToList();
    }

    public JsonObject CreateNamespace(string name, IReadOnlyDictionary<string, string>? labels = null)
    {
        var metadata = new JsonObject { ["name"] = name };
        if (labels is not null)
        {
            metadata["labels"] = new JsonObject(labels.Select(l => new KeyValuePair<string, JsonNode?>(l.Key, l.Value)));
        }
        return Create(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = metadata });
    }

    // ---- HTTP ----

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
                string text = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
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
                await Task.Delay(delay, context.RequestAborted).ConfigureAwait(false);
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

    private static string ManagerOf(HttpRequest request)
    {
        if (request.Query["fieldManager"].FirstOrDefault() is { Length: > 0 } manager)
        {
            return manager;
        }
        string agent = request.Headers.UserAgent.FirstOrDefault() ?? "unknown";
        return agent.Split('/')[0].Trim() is { Length: > 0 } prefix ? prefix : "unknown";
    }

    private (int Code, JsonObject Body) Execute(HttpRequest request, Target target, string verb, JsonNode? body, string? patchType, Identity identity)
    {
        IQueryCollection query = request.Query;
        bool dryRun = query["dryRun"].FirstOrDefault() == "All";
        ResourceType type = target.Type;
        switch (verb)
        {
            case "get":
                return (200, _store.Get(type, target.Namespace, target.Name!));
            case "list":
                return (200, ListResponse(target, query));
            case "create":
                return (201, _store.Create(type, target.Namespace, RequireObject(body), ManagerOf(request), dryRun));
            case "update":
                return (200, _store.Update(type, target.Namespace, target.Name!, RequireObject(body), target.Subresource, ManagerOf(request), dryRun));
            case "patch" when patchType == "apply":
            {
                string manager = query["fieldManager"].FirstOrDefault() ?? "";
                if (manager.Length == 0)
                {
                    throw ApiError.BadRequest("PATCH " + request.Path + ": fieldManager is required for apply patch");
                }
                bool force = query["force"].FirstOrDefault() is "true" or "1";
                (JsonObject result, bool created) = _store.Apply(type, target.Namespace, target.Name!, RequireObject(body), manager, force, target.Subresource, dryRun);
                return (created ? 201 : 200, result);
            }
            case "patch":
            {
                string manager = ManagerOf(request);
                Func<JsonObject, JsonObject> change = patchType switch
                {
                    "merge" => current => Patches.MergePatch(current, RequireObject(body)) as JsonObject ?? throw ApiError.BadRequest("a merge patch must be an object"),
                    "strategic" => current => Patches.StrategicMergePatch(current, RequireObject(body)) as JsonObject ?? throw ApiError.BadRequest("a strategic merge patch must be an object"),
                    _ => current => Patches.JsonPatch(current, body as JsonArray ?? throw ApiError.BadRequest("a JSON patch must be an array")) as JsonObject
                                    ?? throw ApiError.BadRequest("a JSON patch must leave an object"),
                };
                return (200, _store.Patch(type, target.Namespace, target.Name!, target.Subresource, change, manager, dryRun));
            }
            case "delete":
            {
                JsonObject options = body as JsonObject ?? [];
                if (query["propagationPolicy"].FirstOrDefault() is string policy)
                {
                    options["propagationPolicy"] = policy;
                }
                JsonObject deleted = _store.Delete(type, target.Namespace, target.Name!, options);
                if (_store.Peek(type.Group, type.Plural, target.Namespace, target.Name!) is not null)
                {
                    // Held by finalizers: accepted, not yet done.
                    return (202, deleted);
                }
                return (200, type.BuiltIn ? Success(type, deleted) : deleted);
            }
            case "deletecollection":
            {
                Func<JsonObject, bool> match = Selectors.Parse(query["labelSelector"].FirstOrDefault(), query["fieldSelector"].FirstOrDefault());
                foreach (JsonObject obj in _store.List(type, target.Namespace, match).Items)
                {
                    var name = (string)obj["metadata"]!["name"]!;
                    if (Rbac.Allows(_store, identity, new Rbac.Attributes("delete", target.Group, type.Plural, null, target.Namespace, name)))
                    {
                        _store.Delete(type, (string?)obj["metadata"]!["namespace"], name, body as JsonObject);
                    }
                }
                return (200, new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success" });
            }
            default:
                throw new ApiError(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        }
    }

    private static JsonObject Success(ResourceType type, JsonObject deleted)
    {
        JsonObject details = ApiError.DetailsOf(type, (string?)deleted["metadata"]?["name"]);
        details["uid"] = deleted["metadata"]?["uid"]?.DeepClone();
        return new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success", ["details"] = details };
    }

    private static JsonObject RequireObject(JsonNode? body) =>
        body as JsonObject ?? throw ApiError.BadRequest("the object provided is unrecognized or malformed: expected an object");

    private JsonObject ListResponse(Target target, IQueryCollection query)
    {
        Func<JsonObject, bool> match = Selectors.Parse(query["labelSelector"].FirstOrDefault(), query["fieldSelector"].FirstOrDefault());
        (long rv, List<JsonObject> items) = _store.List(target.Type, target.Namespace, match);
        string? continueToken = query["continue"].FirstOrDefault();
        if (!string.IsNullOrEmpty(continueToken))
        {
            string after = Encoding.UTF8.GetString(Convert.FromBase64String(continueToken));
            items = items.Where(i => string.CompareOrdinal(SortKey(i), after) > 0).ToList();
        }
        var metadata = new JsonObject { ["resourceVersion"] = rv.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (int.TryParse(query["limit"].FirstOrDefault(), out int limit) && limit > 0 && items.Count > limit)
        {
            metadata["continue"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(SortKey(items[limit - 1])));
            metadata["remainingItemCount"] = items.Count - limit;
            items = items.Take(limit).ToList();
        }
        var array = new JsonArray();
        foreach (JsonObject item in items)
        {
            if (target.Type.BuiltIn)
            {
                // Lists of built-in kinds carry apiVersion and kind only on the list.
                item.Remove("apiVersion");
                item.Remove("kind");
            }
            array.Add(item);
        }
        return new JsonObject
        {
            ["kind"] = target.Type.ListKind,
            ["apiVersion"] = target.Type.ApiVersion,
            ["metadata"] = metadata,
            ["items"] = array,
        };
    }

    private static string SortKey(JsonObject obj) => $"{(string?)obj["metadata"]?["namespace"]}/{(string?)obj["metadata"]?["name"]}";

    private async Task WatchAsync(HttpContext context, Target target)
    {
        IQueryCollection query = context.Request.Query;
        Func<JsonObject, bool> match = Selectors.Parse(query["labelSelector"].FirstOrDefault(), query["fieldSelector"].FirstOrDefault());
        if (target.Name is string name)
        {
            Func<JsonObject, bool> selected = match;
            match = o => (string?)o["metadata"]?["name"] == name && selected(o);
        }
        HttpResponse response = context.Response;
        ObjectStore.Watch watch;
        try
        {
            watch = _store.OpenWatch(target.Type, target.Namespace, match, query["resourceVersion"].FirstOrDefault(),
                query["allowWatchBookmarks"].FirstOrDefault() is "true" or "1");
        }
        catch (ObjectStore.ExpiredException expired)
        {
            // As the real server does: the watch is answered 200, with a single ERROR event.
            response.StatusCode = 200;
            response.ContentType = "application/json";
            var error = new JsonObject { ["type"] = "ERROR", ["object"] = ApiError.Status(410, "Expired", expired.Message, null) };
            await response.WriteAsync(JsonText.Write(error) + "\n", context.RequestAborted).ConfigureAwait(false);
            return;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        if (int.TryParse(query["timeoutSeconds"].FirstOrDefault(), out int seconds) && seconds > 0)
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        }
        try
        {
            response.StatusCode = 200;
            response.ContentType = "application/json";
            await response.StartAsync(timeout.Token).ConfigureAwait(false);
            await response.Body.FlushAsync(timeout.Token).ConfigureAwait(false);
            await foreach (JsonObject item in watch.Events.Reader.ReadAllAsync(timeout.Token).ConfigureAwait(false))
            {
                await response.WriteAsync(JsonText.Write(item) + "\n", timeout.Token).ConfigureAwait(false);
                await response.Body.FlushAsync(timeout.Token).ConfigureAwait(false);
            }
            if (watch.Aborted)
            {
                context.Abort();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // Timed out, or the client went away.
        }
        finally
        {
            _store.CloseWatch(watch);
        }
    }

    private static async Task WriteJsonAsync(HttpContext context, int code, JsonNode body)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonText.Write(body), context.RequestAborted).ConfigureAwait(false);
    }

    // ---- discovery and other non-resource paths ----

    private async Task<bool> TryNonResourceAsync(HttpContext context, string path)
    {
        string[] segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        JsonNode? body = segments switch
        {
            ["version"] => Version(),
            ["api"] => new JsonObject
            {
                ["kind"] = "APIVersions",
                ["versions"] = new JsonArray("v1"),
                ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = new Uri(Host).Authority }),
            },
            ["api", var version] => ResourceList("", version),
            ["apis"] => GroupList(),
            ["apis", var group] => Groups().FirstOrDefault(g => (string?)g["name"] == group) ?? throw NoSuchResource(),
            ["apis", var group, var version] => ResourceList(group, version),
            ["healthz"] or ["livez"] or ["readyz"] => null,
            _ => JsonValue.Create(false),
        };
        if (body is JsonValue v && v.GetValueKind() == JsonValueKind.False)
        {
            return false;
        }
        if (body is null)
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("ok", context.RequestAborted).ConfigureAwait(false);
            return true;
        }
        await WriteJsonAsync(context, 200, body).ConfigureAwait(false);
        return true;
    }

    private JsonObject Version()
    {
        string[] parts = _options.KubernetesVersion.TrimStart('v').Split('.');
        return new JsonObject
        {
            ["major"] = parts[0],
            ["minor"] = parts.Length > 1 ? parts[1] : "0",
            ["gitVersion"] = _options.KubernetesVersion,
            ["gitCommit"] = "0000000000000000000000000000000000000000",
            ["gitTreeState"] = "clean",
            ["buildDate"] = "2024-01-01T00:00:00Z",
            ["goVersion"] = "go1.21",
            ["compiler"] = "gc",
            ["platform"] = "linux/amd64",
        };
    }

    private JsonObject ResourceList(string group, string version)
    {
        if (!_table.Serves(group, version))
        {
            throw NoSuchResource();
        }
        var resources = new JsonArray();
        foreach (ResourceType type in _table.All().Where(t => t.Group == group && t.Version == version).OrderBy(t => t.Plural, StringComparer.Ordinal))
        {
            resources.Add(new JsonObject
            {
                ["name"] = type.Plural,
                ["singularName"] = type.Singular,
                ["namespaced"] = type.Namespaced,
                ["kind"] = type.Kind,
                ["verbs"] = new JsonArray("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"),
            });
            if (type.ShortNames.Count > 0)
            {
                ((JsonObject)resources[^1]!)["shortNames"] = new JsonArray(type.ShortNames.Select(n => (JsonNode?)n).ToArray());
            }
            if (type.Categories.Count > 0)
            {
                ((JsonObject)resources[^1]!)["categories"] = new JsonArray(type.Categories.Select(n => (JsonNode?)n).ToArray());
            }
            if (type.HasStatus)
            {
                resources.Add(new JsonObject
                {
                    ["name"] = type.Plural + "/status",
                    ["singularName"] = "",
                    ["namespaced"] = type.Namespaced,
                    ["kind"] = type.Kind,
                    ["verbs"] = new JsonArray("get", "patch", "update"),
                });
            }
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList",
            ["apiVersion"] = "v1",
            ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }

    private JsonObject GroupList() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(Groups().Select(g => (JsonNode?)g).ToArray()),
    };

    private List<JsonObject> Groups()
    {
        var groups = new List<JsonObject>();
        foreach (IGrouping<string, ResourceType> group in _table.All().Where(t => t.Group.Length > 0).GroupBy(t => t.Group).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var versions = group.Select(t => t.Version).Distinct().OrderByDescending(VersionPriority).ToList();
            JsonObject Entry(string v) => new() { ["groupVersion"] = $"{group.Key}/{v}", ["version"] = v };
            groups.Add(new JsonObject
            {
                ["kind"] = "APIGroup",
                ["apiVersion"] = "v1",
                ["name"] = group.Key,
                ["versions"] = new JsonArray(versions.Select(v => (JsonNode?)Entry(v)).ToArray()),
                ["preferredVersion"] = Entry(versions[0]),
            });
        }
        return groups;
    }

    /// <summary>Kubernetes' version order: GA before beta before alpha, higher numbers first.</summary>
    private static long VersionPriority(string version)
    {
        var match = System.Text.RegularExpressions.Regex.Match(version, @"^v(\d+)(?:(alpha|beta)(\d+))?$");
        if (!match.Success)
        {
            return 0;
        }
        long major = long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        long stage = match.Groups[2].Value switch { "" => 3, "beta" => 2, _ => 1 };
        long minor = match.Groups[3].Success && match.Groups[3].Value.Length > 0 ? long.Parse(match.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        return (stage * 1_000_000) + (major * 1000) + minor;
    }
}
