// What the test API server models, and what only a real cluster shows.
//
// TestApiServer is an in-process HTTP server (Kestrel on 127.0.0.1, a free port; optionally HTTPS with a throw-away
// CA) that speaks enough of the Kubernetes REST API for the unmodified KubernetesClient package - and kubectl - to
// work against it. It is stateful and keeps the contract a controller depends on.
//
// Modelled:
// - Resources: core v1 namespaces, services, configmaps, serviceaccounts, pods, events, secrets, endpoints; apps/v1
//   deployments; policy/v1 poddisruptionbudgets; autoscaling/v2 horizontalpodautoscalers; coordination.k8s.io/v1
//   leases; events.k8s.io/v1 events (the same objects as core v1 events, fields renamed); rbac.authorization.k8s.io/v1
//   cluster roles, roles and their bindings; apiextensions.k8s.io/v1 customresourcedefinitions, and every CRD created
//   through the API: its served versions, plural, scope, short names and status subresource come from the CRD object.
//   Versions of one CRD share their objects (they differ only in apiVersion, as the Gateway API's do).
// - Namespaced and cluster-scoped URLs; discovery (/api, /apis, /apis/GROUP, /apis/GROUP/VERSION, /version).
// - Objects: one global resourceVersion counter; uid, creationTimestamp, generation (1 on create, +1 when anything but
//   metadata and status changes, for the kinds that track it); status as a separate subresource (ignored on create and
//   by writes to the main resource; writes to /status change only status); a write that changes nothing is not stored
//   and sends no watch event. Creating in a missing namespace is 404. A PUT without resourceVersion is unconditional
//   for built-in kinds and rejected (422) for custom resources and CRDs. A Service gets a ClusterIP; Services,
//   Deployments and pod templates get the API server's defaults for the fields Slotgate leaves out (port protocol and
//   targetPort, rollout strategy, restart and DNS policy, imagePullPolicy, termination message, ...).
// - The API server's own validation of what Slotgate's objects can get wrong: names, label and annotation keys, label
//   values, a Deployment's selector (matching its template, immutable), a Service's ClusterIP (immutable); schema
//   validation through an optional hook (the tests pass the Kubernetes and Gateway API schema validator).
// - Errors as Status objects with the real reasons and message shapes: NotFound, AlreadyExists, Conflict (stale
//   resourceVersion on PUT, patch or apply; apply conflicts), Invalid (422), Forbidden, Unauthorized, BadRequest,
//   UnsupportedMediaType, Expired.
// - Patches: JSON merge patch, strategic merge patch (merge keys of the lists Slotgate's objects carry; 415 for custom
//   resources as the real server answers), JSON patch, and server-side apply with field ownership per manager, operation
//   and subresource in metadata.managedFields (FieldsV1), conflicts (409 listing the fields) unless force, removal of
//   fields a manager stops applying unless another owns them, create on apply (which needs the create permission too).
//   Other writes make their field manager (fieldManager, else the User-Agent's product) the owner of what they change.
// - List with labelSelector, fieldSelector (any dotted path), limit/continue; watch from a resourceVersion with
//   ADDED/MODIFIED/DELETED in order (ADDED/DELETED when an object starts or stops matching a selector), 200 with an
//   ERROR event (Status 410 Expired) for a resourceVersion older than the history kept, timeoutSeconds; test hooks to
//   compact the history, drop every open watch (cleanly or by resetting the connection), expire every open watch
//   (an ERROR 410 event mid-stream) and send bookmarks.
// - Deletion: finalizers hold an object (deletionTimestamp set, 202) until an update removes the last one; then, as
//   the garbage collector's background deletion would, right away, every dependent whose owners are all gone is
//   deleted (Orphan strips the owner references instead); deleting a namespace deletes its contents, the namespace
//   staying Terminating (no new content: 403) while finalizers hold some of them.
// - Bearer-token authentication (unknown token: 401) and RBAC authorization from the ClusterRoles, Roles and bindings
//   stored in the server (verbs, resources with subresources, wildcards, resourceNames), 403 with the real message.
// - Leases are plain objects with the same concurrency rules, which is all client-side leader election needs.
// - For tests: an audit list of every request, injected failures and delays for chosen requests, admin helpers.
//
// Not modelled, so only a real cluster shows it:
// - Admission: mutating and validating webhooks, ValidatingAdmissionPolicies, defaulting beyond the fields listed
//   above (e.g. a Service's ports as SSA keys them, by port and protocol); schema validation and CEL rules come only
//   from the validation hook; no defaulting from CRD schemas and no pruning of unknown fields.
// - Controllers: no deployment, replicaset, endpoints or scheduler controllers - nothing sets a Deployment's status or
//   creates pods unless the test does; garbage collection is immediate (no GC delay, no foreground deletion ordering,
//   no graceful pod termination); deleting a CRD removes its objects regardless of their finalizers.
// - Server-side apply is approximated: lists are keyed by a fixed table of merge keys (containers, env, volumes by
//   name, ports by port, conditions by type, listeners by name, ...) instead of the schemas; other lists are atomic;
//   the items of a keyed list keep the live order rather than the applier's.
// - Watch cache semantics (every list and watch is served from the latest state; list ignores resourceVersion),
//   periodic bookmarks (only on demand); watch streams end on their own only with timeoutSeconds or the WatchLifetime
//   option.
// - Aggregated APIs, OpenAPI documents (kubectl needs --validate=false), aggregated discovery, protobuf, CBOR,
//   client-certificate and other authentication, impersonation, ClusterRole aggregation, API priority and fairness.
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>
/// A stateful in-process Kubernetes API server for the controller's tests (what it models is described at the top
/// of this file). Start one with <see cref="StartAsync"/>, make clients with <see cref="AdminClient"/> (no
/// authorization) and <see cref="ClientFor"/> (a service account, authorized by the stored RBAC objects), and set up
/// or inspect state directly with the admin helpers (<see cref="Create"/>, <see cref="Get"/>, ...).
/// </summary>
public sealed partial class TestApiServer : IAsyncDisposable, IDisposable
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

    /// <summary>
    /// Forgets the watch history and ends every open watch with an ERROR event (410 Expired), as the API server does
    /// with a watcher that fell too far behind; a watch reopened from any earlier resourceVersion gets 410 too.
    /// </summary>
    public int ExpireWatches() => _store.ExpireWatches();

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
                Create(crd);
            }
        }
    }

    /// <summary>Installs the Gateway API v1.4.1 experimental-channel CRDs.</summary>
    public void InstallGatewayApiCrds() => InstallCrds(GatewayApiCrds());

    /// <summary>The Gateway API v1.4.1 experimental-channel CRD objects (parsed once per test run; each call returns copies).</summary>
    public static IReadOnlyList<JsonObject> GatewayApiCrds() => GatewayApiCrdDocuments.Value.Select(c => c.DeepClone().AsObject()).ToList();

    private static IReadOnlyList<JsonObject> LoadGatewayApiCrds()
    {
        const string FileName = "gateway-api-v1.4.1-experimental-install.yaml";
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            foreach (string candidate in new[]
                     {
                         Path.Combine(directory.FullName, "tests", "Slotgate.Controller.Tests", "Schemas", "Data", FileName),
                         Path.Combine(directory.FullName, "Schemas", "Data", FileName),
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

    /// <summary>
    /// Replaces an object (status is kept for kinds with a status subresource); a stale resourceVersion is a 409, and
    /// custom resources need one (take the object from <see cref="Get"/>, or use <see cref="Modify"/>).
    /// </summary>
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
}
