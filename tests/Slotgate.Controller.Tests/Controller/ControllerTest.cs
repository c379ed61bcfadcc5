using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Slotgate.Controller.Kubernetes;
using Slotgate.Controller.Runtime;
using Slotgate.Controller.Tests.ApiServer;
using Slotgate.Controller.Tests.Kubernetes;
using Slotgate.Controller.Tests.Schemas;
using Slotgate.Tests.Kubernetes;
using Slotgate.Tests.Support;
using Xunit.Abstractions;

namespace Slotgate.Controller.Tests.Controller;

/// <summary>
/// A test API server per test, validating every object against the Kubernetes 1.26 and Gateway API v1.4.1 schemas,
/// with the Gateway API CRDs and the rendered deploy/kubernetes/controller kustomization installed through the admin
/// client; controllers run in-process with the client of service account slotgate-system/slotgate-controller, so the
/// shipped ClusterRole and Role decide what they may do. Durations are short so each test takes a few seconds.
/// </summary>
public abstract class ControllerTest(ITestOutputHelper output) : IAsyncLifetime
{
    protected const string Gw = "gateway.networking.k8s.io";
    protected const string ControllerUser = "system:serviceaccount:slotgate-system:slotgate-controller";
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(6);

    private readonly List<(CancellationTokenSource Stop, Task Run, IKubernetes Client, ILoggerFactory Loggers)> _controllers = [];

    protected TestApiServer Server { get; private set; } = null!;

    protected IKubernetes Admin { get; private set; } = null!;

    protected ITestOutputHelper Output => output;

    public virtual async Task InitializeAsync()
    {
        Server = await TestApiServer.StartAsync(new TestApiServerOptions { Validate = Validate });
        Admin = Server.AdminClient();
        Server.InstallGatewayApiCrds();
        foreach (JsonObject obj in Kustomize.Render("controller").Select(o => YamlJson.ToJson(o)!.AsObject())
                     .OrderBy(o => (string?)o["kind"] == "Namespace" ? 0 : 1))
        {
            await InstallAsync(obj);
        }
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var controller in _controllers)
        {
            await StopAsync(controller.Stop, controller.Run);
            controller.Client.Dispose();
            controller.Loggers.Dispose();
        }
        Admin.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>Every object against its schema, the Gateway API CRDs themselves included.</summary>
    private static IReadOnlyList<string> Validate(JsonObject obj, JsonObject? old) => SchemaValidator.Shared.Validate(obj, old);

    private protected static ControllerOptions Options(string identity) => new()
    {
        Identity = identity,
        LeaseNamespace = "slotgate-system",
        LeaseDuration = TimeSpan.FromSeconds(2),
        RenewDeadline = TimeSpan.FromSeconds(1.5),
        RetryPeriod = TimeSpan.FromMilliseconds(250),
        // Far beyond a test's length: everything the tests see comes from watches, not from the safety net.
        ResyncPeriod = TimeSpan.FromMinutes(10),
        InitialRetry = TimeSpan.FromMilliseconds(100),
        MaxRetry = TimeSpan.FromSeconds(2),
        Informers = new InformerOptions { InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromSeconds(1) },
    };

    /// <summary>Starts a controller replica as the shipped service account; returns the handle that stops it.</summary>
    private protected CancellationTokenSource StartController(string identity = "slotgate-controller-0", ControllerOptions? options = null)
    {
        IKubernetes client = Server.ClientFor("slotgate-system", "slotgate-controller");
        ILoggerFactory loggers = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(new TestOutputLoggerProvider(output, identity)));
        var stop = new CancellationTokenSource();
        Task run = Task.Run(() => ControllerHost.RunAsync(client, options ?? Options(identity), loggers, stop.Token));
        _controllers.Add((stop, run, client, loggers));
        return stop;
    }

    protected async Task StopControllerAsync(CancellationTokenSource stop)
    {
        var controller = _controllers.Single(c => c.Stop == stop);
        await StopAsync(controller.Stop, controller.Run);
    }

    private static async Task StopAsync(CancellationTokenSource stop, Task run)
    {
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(5));
    }

    /// <summary>Creates a rendered manifest object through the admin client, as <c>kubectl create</c> would.</summary>
    private async Task InstallAsync(JsonObject obj)
    {
        string kind = (string)obj["kind"]!;
        string json = obj.ToJsonString();
        string ns = (string?)obj["metadata"]?["namespace"] ?? "default";
        switch (kind)
        {
            case "Namespace":
                await Admin.CoreV1.CreateNamespaceAsync(KubernetesJson.Deserialize<V1Namespace>(json));
                break;
            case "ServiceAccount":
                await Admin.CoreV1.CreateNamespacedServiceAccountAsync(KubernetesJson.Deserialize<V1ServiceAccount>(json), ns);
                break;
            case "ConfigMap":
                await Admin.CoreV1.CreateNamespacedConfigMapAsync(KubernetesJson.Deserialize<V1ConfigMap>(json), ns);
                break;
            case "ClusterRole":
                await Admin.RbacAuthorizationV1.CreateClusterRoleAsync(KubernetesJson.Deserialize<V1ClusterRole>(json));
                break;
            case "ClusterRoleBinding":
                await Admin.RbacAuthorizationV1.CreateClusterRoleBindingAsync(KubernetesJson.Deserialize<V1ClusterRoleBinding>(json));
                break;
            case "Role":
                await Admin.RbacAuthorizationV1.CreateNamespacedRoleAsync(KubernetesJson.Deserialize<V1Role>(json), ns);
                break;
            case "RoleBinding":
                await Admin.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(KubernetesJson.Deserialize<V1RoleBinding>(json), ns);
                break;
            case "Deployment":
                await Admin.AppsV1.CreateNamespacedDeploymentAsync(KubernetesJson.Deserialize<V1Deployment>(json), ns);
                break;
            case "GatewayClass":
                await Admin.CustomObjects.CreateClusterCustomObjectAsync(JsonSerializer.SerializeToElement(obj), Gw, "v1", "gatewayclasses");
                break;
            default:
                throw new InvalidOperationException($"the controller kustomization has a {kind}; teach the test fixture to create it");
        }
    }

    // ---- scenario ----

    /// <summary>
    /// The common scenario: the Redis Cluster Service external-redis/redis:7000, Gateway default/redis-waypoint of
    /// class slotgate (TCP 7000, routes from all namespaces), TCPRoute default/redis to that Service, and the
    /// ReferenceGrant in external-redis that allows it.
    /// </summary>
    protected void CreateScenario(string gateway = "redis-waypoint")
    {
        if (Server.TryGet("v1", "Namespace", null, "external-redis") is null)
        {
            Server.CreateNamespace("external-redis");
            Server.Create(Service("external-redis", "redis", 7000));
            Server.Create(Grant("external-redis", "default"));
        }
        Server.Create(Gateway("default", gateway));
        Server.Create(Route("default", gateway == "redis-waypoint" ? "redis" : gateway, gateway));
    }

    protected static JsonObject Service(string ns, string name, int port) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Service",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject
        {
            ["selector"] = new JsonObject { ["app"] = name },
            ["ports"] = new JsonArray(new JsonObject { ["name"] = "redis", ["port"] = port, ["protocol"] = "TCP" }),
        },
    };

    protected static JsonObject Gateway(string ns, string name, string className = "slotgate") => new()
    {
        ["apiVersion"] = Gw + "/v1",
        ["kind"] = "Gateway",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject
        {
            ["gatewayClassName"] = className,
            ["listeners"] = new JsonArray(new JsonObject
            {
                ["name"] = "redis",
                ["port"] = 7000,
                ["protocol"] = "TCP",
                ["allowedRoutes"] = new JsonObject { ["namespaces"] = new JsonObject { ["from"] = "All" } },
            }),
        },
    };

    protected static JsonObject Route(string ns, string name, string gateway, string gatewayNamespace = "default",
        string backendNamespace = "external-redis", string backend = "redis") => new()
    {
        ["apiVersion"] = Gw + "/v1alpha2",
        ["kind"] = "TCPRoute",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject
        {
            ["parentRefs"] = new JsonArray(new JsonObject { ["name"] = gateway, ["namespace"] = gatewayNamespace }),
            ["rules"] = new JsonArray(new JsonObject
            {
                ["backendRefs"] = new JsonArray(new JsonObject { ["name"] = backend, ["namespace"] = backendNamespace, ["port"] = 7000 }),
            }),
        },
    };

    protected static JsonObject Grant(string ns, string fromNamespace) => new()
    {
        ["apiVersion"] = Gw + "/v1beta1",
        ["kind"] = "ReferenceGrant",
        ["metadata"] = new JsonObject { ["name"] = "tcproutes-from-" + fromNamespace, ["namespace"] = ns },
        ["spec"] = new JsonObject
        {
            ["from"] = new JsonArray(new JsonObject { ["group"] = Gw, ["kind"] = "TCPRoute", ["namespace"] = fromNamespace }),
            ["to"] = new JsonArray(new JsonObject { ["group"] = "", ["kind"] = "Service" }),
        },
    };

    // ---- reading state ----

    protected JsonObject GatewayObject(string name = "redis-waypoint", string ns = "default") => Server.Get(Gw + "/v1", "Gateway", ns, name);

    protected JsonObject RouteObject(string name = "redis", string ns = "default") => Server.Get(Gw + "/v1alpha2", "TCPRoute", ns, name);

    protected static JsonObject? ConditionOf(JsonNode? holder, string type) =>
        holder?["conditions"]?.AsArray().FirstOrDefault(c => (string?)c!["type"] == type)?.AsObject();

    protected static (string? Status, string? Reason, string? Message) Summary(JsonObject? condition) =>
        ((string?)condition?["status"], (string?)condition?["reason"], (string?)condition?["message"]);

    /// <summary>A JSON number, whichever integer type the node holds.</summary>
    protected static long Number(JsonNode? node) => long.Parse(node!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The Deployment's status as a Deployment controller would report it.</summary>
    protected void SetReadyReplicas(string name, int ready, string ns = "default")
    {
        JsonObject deployment = Server.Get("apps/v1", "Deployment", ns, name);
        deployment["status"] = new JsonObject
        {
            ["observedGeneration"] = Number(deployment["metadata"]!["generation"]),
            ["replicas"] = Math.Max(ready, 1),
            ["readyReplicas"] = ready,
            ["availableReplicas"] = ready,
        };
        Server.UpdateStatus(deployment);
    }

    /// <summary>Waits until <paramref name="condition"/> holds (checked against the server's state), failing with <paramref name="what"/>.</summary>
    protected static async Task EventuallyAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (condition())
                {
                    return;
                }
            }
            catch (Exception e) when (e is ApiError or NullReferenceException or InvalidOperationException)
            {
                // Not there yet.
            }
            if (clock.Elapsed > (timeout ?? Timeout))
            {
                Assert.Fail($"timed out after {clock.Elapsed.TotalSeconds:F1}s waiting for: {what}");
            }
            await Task.Delay(50);
        }
    }

    protected Task GatewayConditionAsync(string type, string status, string? reason = null, string name = "redis-waypoint") =>
        EventuallyAsync(() =>
        {
            var c = Summary(ConditionOf(GatewayObject(name)["status"], type));
            return c.Status == status && (reason is null || c.Reason == reason);
        }, $"Gateway {name} {type}={status} {reason} (now: {ConditionOf(Server.TryGet(Gw + "/v1", "Gateway", "default", name)?["status"], type)?.ToJsonString()})");

    /// <summary>Core v1 Events recorded about an object.</summary>
    protected IReadOnlyList<JsonObject> EventsAbout(string kind, string name) =>
        Server.List("v1", "Event").Where(e => (string?)e["involvedObject"]?["kind"] == kind && (string?)e["involvedObject"]?["name"] == name).ToList();

    /// <summary>Requests of the controller's service account that RBAC denied: the shipped roles must grant every call.</summary>
    protected IReadOnlyList<ApiRequest> Forbidden() => Server.Requests.Where(r => r.User == ControllerUser && r.Code == 403).ToList();
}
