using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Slotgate.Controller.Model;
using Slotgate.Controller.Reconcile;
using Slotgate.Controller.Runtime;

namespace Slotgate.Controller.Kubernetes;

/// <summary>
/// The controller proper, while this replica leads: informers (list, then watch) for GatewayClasses, Gateways,
/// TCPRoutes, ReferenceGrants, Services, Namespaces, the Deployments it owns and the ConfigMaps of the namespaces its
/// classes take parameters from; event handlers that turn each change into the keys of the objects it may affect;
/// workers that reconcile one key at a time through <see cref="GatewayReconciler"/>; and a periodic resync that
/// enqueues everything as a safety net.
/// </summary>
internal sealed partial class GatewayController : IDisposable
{
    private const string ClassPrefix = "GatewayClass/";
    private const string GatewayPrefix = "Gateway/";

    private readonly IKubernetes _client;
    private readonly ControllerOptions _options;
    private readonly ILogger _logger;
    private readonly WorkQueue _queue;
    private readonly Informer<ApiObject> _classes;
    private readonly Informer<ApiObject> _gateways;
    private readonly Informer<ApiObject> _routes;
    private readonly Informer<ApiObject> _grants;
    private readonly Informer<V1Service> _services;
    private readonly Informer<V1Namespace> _namespaces;
    private readonly Informer<V1Deployment> _deployments;
    private readonly ConcurrentDictionary<string, Informer<V1ConfigMap>> _parameterMaps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _deferred = new(StringComparer.Ordinal);
    private readonly List<Task> _running = [];
    private readonly GatewayReconciler _reconciler;
    private CancellationToken _stopping;

    public GatewayController(IKubernetes client, ControllerOptions options, ILoggerFactory loggers)
    {
        _client = client;
        _options = options;
        _logger = loggers.CreateLogger("Slotgate.Controller");
        _queue = new WorkQueue(options.InitialRetry, options.MaxRetry);
        ILogger informerLog = loggers.CreateLogger("Slotgate.Controller.Informer");
        TimeSpan timeout = options.Informers.WatchTimeout;
        _classes = new(new CustomObjectSource(client, GatewayApi.Group, "v1", "gatewayclasses", timeout), OnClass, options.Informers, informerLog);
        _gateways = new(new CustomObjectSource(client, GatewayApi.Group, "v1", "gateways", timeout), OnGateway, options.Informers, informerLog);
        _routes = new(new CustomObjectSource(client, GatewayApi.Group, "v1alpha2", "tcproutes", timeout), OnRoute, options.Informers, informerLog);
        _grants = new(new CustomObjectSource(client, GatewayApi.Group, "v1beta1", "referencegrants", timeout), OnGrant, options.Informers, informerLog);
        _services = new(new TypedSource<V1Service, V1ServiceList>("services",
            ct => client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: ct),
            (rv, t, onError, ct) => client.CoreV1.WatchListServiceForAllNamespacesAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: onError, cancellationToken: ct),
            timeout), OnService, options.Informers, informerLog);
        _namespaces = new(new TypedSource<V1Namespace, V1NamespaceList>("namespaces",
            ct => client.CoreV1.ListNamespaceAsync(cancellationToken: ct),
            (rv, t, onError, ct) => client.CoreV1.WatchListNamespaceAsync(allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: onError, cancellationToken: ct),
            timeout), OnNamespace, options.Informers, informerLog);
        const string owned = "app.kubernetes.io/managed-by=slotgate-controller";
        _deployments = new(new TypedSource<V1Deployment, V1DeploymentList>("deployments.apps",
            ct => client.AppsV1.ListDeploymentForAllNamespacesAsync(labelSelector: owned, cancellationToken: ct),
            (rv, t, onError, ct) => client.AppsV1.WatchListDeploymentForAllNamespacesAsync(allowWatchBookmarks: true, labelSelector: owned, resourceVersion: rv, timeoutSeconds: t, onError: onError, cancellationToken: ct),
            timeout), OnDeployment, options.Informers, informerLog);
        _reconciler = new GatewayReconciler(client, options, new EventRecorder(client, options.Identity, _logger), _logger);
    }

    /// <summary>Keys waiting or being reconciled.</summary>
    public int Pending => _queue.Count;

    /// <summary>Runs until cancelled: starts the informers, waits for their first lists, then reconciles.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _stopping = cancellationToken;
        Informer<ApiObject>[] gatewayApi = [_classes, _gateways, _routes, _grants];
        foreach (var informer in gatewayApi)
        {
            Start(informer.RunAsync);
        }
        Start(_services.RunAsync);
        Start(_namespaces.RunAsync);
        Start(_deployments.RunAsync);
        try
        {
            await Task.WhenAll(_classes.Synced, _gateways.Synced, _routes.Synced, _grants.Synced, _services.Synced, _namespaces.Synced, _deployments.Synced)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            _reconciler.BundleVersion = await ReadBundleVersionAsync(cancellationToken).ConfigureAwait(false);
            Log.Synced(_logger, _classes.Items.Count, _gateways.Items.Count, _routes.Items.Count);
            for (int i = 0; i < Math.Max(1, _options.Workers); i++)
            {
                Start(WorkAsync);
            }
            using var resync = new PeriodicTimer(_options.ResyncPeriod);
            while (await resync.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                _reconciler.ForgetApplied();
                EnqueueAll();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            Task[] tasks;
            lock (_running)
            {
                tasks = [.. _running];
            }
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
    }

    public void Dispose() => _queue.Dispose();

    private void Start(Func<CancellationToken, Task> loop)
    {
        lock (_running)
        {
            _running.Add(Task.Run(() => loop(_stopping), CancellationToken.None));
        }
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            string key;
            try
            {
                key = await _queue.TakeAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
            {
                return;
            }
            try
            {
                TimeSpan? again = await ReconcileAsync(key, cancellationToken).ConfigureAwait(false);
                if (again is { } delay)
                {
                    _queue.AddAfter(key, delay);
                }
                else
                {
                    _queue.Forget(key);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
            {
                // Optimistic concurrency: the object changed since it was cached; retry on the newer version.
                TimeSpan delay = _queue.AddRateLimited(key);
                Log.ReconcileConflict(_logger, key, delay.TotalMilliseconds);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // One object's failure delays only that object: it comes back after its own back-off.
                TimeSpan delay = _queue.AddRateLimited(key);
                Log.ReconcileFailed(_logger, key, GatewayReconciler.Describe(e), delay.TotalMilliseconds);
            }
            finally
            {
                _queue.Done(key);
            }
        }
    }

    private async Task<TimeSpan?> ReconcileAsync(string key, CancellationToken cancellationToken)
    {
        if (key.StartsWith(ClassPrefix, StringComparison.Ordinal))
        {
            string name = key[ClassPrefix.Length..];
            ApiObject? gatewayClass = _classes.Get(name);
            if (gatewayClass is null || !ParametersReady(gatewayClass))
            {
                return gatewayClass is null ? null : TimeSpan.FromMilliseconds(200);
            }
            await _reconciler.ReconcileClassAsync(gatewayClass, Snapshot(), cancellationToken).ConfigureAwait(false);
            return null;
        }
        string gatewayKey = key[GatewayPrefix.Length..];
        ApiObject? gateway = _gateways.Get(gatewayKey);
        if (gateway is not null && _classes.Get(GatewayApiJson.Text(GatewayApiJson.Child(gateway.Json, "spec"), "gatewayClassName") ?? "") is { } owner
            && !ParametersReady(owner))
        {
            return TimeSpan.FromMilliseconds(200);
        }
        int slash = gatewayKey.IndexOf('/', StringComparison.Ordinal);
        var objectKey = new ObjectKey(gatewayKey[..slash], gatewayKey[(slash + 1)..]);
        // A Deployment or Service this controller applied is gone: most often the garbage collector took it because
        // the Gateway is being deleted, and that Gateway's own DELETED event may still be on its way (each kind has
        // its own watch). Wait a moment rather than re-create dependents of a Gateway that no longer exists.
        bool dependentGone = (_deployments.Get(gatewayKey) is null && _reconciler.Applied("Deployment", objectKey))
            || (_services.Get(gatewayKey) is null && _reconciler.Applied("Service", objectKey));
        if (gateway is not null && dependentGone && _deferred.TryAdd(gatewayKey, true))
        {
            return TimeSpan.FromMilliseconds(500);
        }
        _deferred.TryRemove(gatewayKey, out _);
        await _reconciler.ReconcileGatewayAsync(objectKey, gateway, Snapshot(), _routes.Items, _deployments.Get(gatewayKey), _services.Get(gatewayKey), cancellationToken)
            .ConfigureAwait(false);
        return null;
    }

    /// <summary>
    /// Whether the ConfigMaps of the class's parameters namespace are in the cache: until then a missing ConfigMap
    /// may just not be listed yet, and reporting InvalidParameters would be a lie.
    /// </summary>
    private bool ParametersReady(ApiObject gatewayClass)
    {
        GatewayClassInput input = GatewayApiJson.GatewayClass(gatewayClass.Json);
        if (input.ControllerName != GatewayApi.ControllerName || input.ParametersRef is not { Kind: "ConfigMap", Namespace: { Length: > 0 } ns })
        {
            return true;
        }
        return WatchParameters(ns).HasSynced;
    }

    private Informer<V1ConfigMap> WatchParameters(string ns)
    {
        if (_parameterMaps.TryGetValue(ns, out Informer<V1ConfigMap>? existing))
        {
            return existing;
        }
        var informer = new Informer<V1ConfigMap>(new TypedSource<V1ConfigMap, V1ConfigMapList>("configmaps in " + ns,
            ct => _client.CoreV1.ListNamespacedConfigMapAsync(ns, cancellationToken: ct),
            (rv, t, onError, ct) => _client.CoreV1.WatchListNamespacedConfigMapAsync(ns, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: t, onError: onError, cancellationToken: ct),
            _options.Informers.WatchTimeout), OnConfigMap, _options.Informers, _logger);
        if (_parameterMaps.TryAdd(ns, informer))
        {
            Start(informer.RunAsync);
            return informer;
        }
        return _parameterMaps[ns];
    }

    private ClusterSnapshot Snapshot()
    {
        var parameterMaps = new Dictionary<ObjectKey, IReadOnlyDictionary<string, string>>();
        foreach (Informer<V1ConfigMap> informer in _parameterMaps.Values)
        {
            foreach (V1ConfigMap map in informer.Items)
            {
                parameterMaps[new ObjectKey(map.Metadata.NamespaceProperty, map.Metadata.Name)] =
                    map.Data is null ? new Dictionary<string, string>() : new Dictionary<string, string>(map.Data);
            }
        }
        var ready = new Dictionary<ObjectKey, int>();
        foreach (V1Deployment deployment in _deployments.Items)
        {
            ready[new ObjectKey(deployment.Metadata.NamespaceProperty, deployment.Metadata.Name)] = deployment.Status?.ReadyReplicas ?? 0;
        }
        return new ClusterSnapshot
        {
            Classes = _classes.Items.Select(o => GatewayApiJson.GatewayClass(o.Json)).ToList(),
            Gateways = _gateways.Items.Select(o => GatewayApiJson.Gateway(o.Json)).ToList(),
            Routes = _routes.Items.Select(o => GatewayApiJson.TcpRoute(o.Json)).ToList(),
            ReferenceGrants = _grants.Items.Select(o => GatewayApiJson.ReferenceGrant(o.Json)).ToList(),
            Services = _services.Items.Select(ServiceInputOf).ToList(),
            NamespaceLabels = _namespaces.Items.ToDictionary(
                n => n.Metadata.Name,
                n => (IReadOnlyDictionary<string, string>)(n.Metadata.Labels is null ? new Dictionary<string, string>() : new Dictionary<string, string>(n.Metadata.Labels))),
            ParameterConfigMaps = parameterMaps,
            ReadyReplicas = ready,
            GatewayApiBundleVersion = _reconciler.BundleVersion,
        };
    }

    /// <summary>The Gateway CRD's bundle-version annotation; null when CRDs cannot be read (then SupportedVersion says so).</summary>
    private async Task<string?> ReadBundleVersionAsync(CancellationToken cancellationToken)
    {
        try
        {
            V1CustomResourceDefinition crd = await _client.ApiextensionsV1.ReadCustomResourceDefinitionAsync("gateways." + GatewayApi.Group, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return crd.Metadata?.Annotations?.TryGetValue(GatewayApi.BundleVersionAnnotation, out string? version) == true ? version : null;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            return null;
        }
    }

    private static ServiceInput ServiceInputOf(V1Service service)
    {
        IDictionary<string, string> labels = service.Metadata.Labels ?? new Dictionary<string, string>();
        ObjectKey? waypoint = labels.TryGetValue("istio.io/use-waypoint", out string? name) && name != "none"
            ? new ObjectKey(labels.TryGetValue("istio.io/use-waypoint-namespace", out string? wns) ? wns : service.Metadata.NamespaceProperty, name)
            : null;
        return new ServiceInput(
            new ObjectKey(service.Metadata.NamespaceProperty, service.Metadata.Name),
            service.Spec?.Ports?.Select(p => p.Port).ToList() ?? [],
            waypoint);
    }

    private static partial class Log
    {
        [LoggerMessage(200, LogLevel.Information, "caches synced: {Classes} GatewayClasses, {Gateways} Gateways, {Routes} TCPRoutes; reconciling")]
        public static partial void Synced(ILogger logger, int classes, int gateways, int routes);

        [LoggerMessage(201, LogLevel.Warning, "reconciling {Key} failed: {Error}; retrying in {DelayMs:F0} ms")]
        public static partial void ReconcileFailed(ILogger logger, string key, string error, double delayMs);

        [LoggerMessage(202, LogLevel.Debug, "reconciling {Key}: an object changed meanwhile (409 Conflict); retrying in {DelayMs:F0} ms")]
        public static partial void ReconcileConflict(ILogger logger, string key, double delayMs);
    }
}
