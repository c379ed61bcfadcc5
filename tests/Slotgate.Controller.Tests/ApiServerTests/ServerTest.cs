using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using Slotgate.Controller.Tests.ApiServer;

namespace Slotgate.Controller.Tests.ApiServerTests;

/// <summary>A fresh server per test (starting one takes milliseconds), an admin client, and small object builders.</summary>
public abstract class ServerTest : IAsyncLifetime
{
    protected TestApiServer Server { get; private set; } = null!;

    protected IKubernetes Admin { get; private set; } = null!;

    protected virtual TestApiServerOptions Options => new();

    public virtual async Task InitializeAsync()
    {
        Server = await TestApiServer.StartAsync(Options);
        Admin = Server.AdminClient();
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await Server.DisposeAsync();
    }

    protected const string Gw = "gateway.networking.k8s.io";

    protected static JsonObject Gateway(string ns, string name, string className = "slotgate") => new()
    {
        ["apiVersion"] = "gateway.networking.k8s.io/v1",
        ["kind"] = "Gateway",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject
        {
            ["gatewayClassName"] = className,
            ["listeners"] = new JsonArray(new JsonObject { ["name"] = "redis", ["port"] = 7000, ["protocol"] = "TCP" }),
        },
    };

    protected static JsonObject ConfigMap(string ns, string name, params (string Key, string Value)[] data) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["data"] = new JsonObject(data.Select(d => new KeyValuePair<string, JsonNode?>(d.Key, d.Value))),
    };

    protected static JsonObject Deployment(string ns, string name, string image = "slotgate:1", int replicas = 2) => new()
    {
        ["apiVersion"] = "apps/v1",
        ["kind"] = "Deployment",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        ["spec"] = new JsonObject
        {
            ["replicas"] = replicas,
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } },
                ["spec"] = new JsonObject
                {
                    ["containers"] = new JsonArray(new JsonObject { ["name"] = "slotgate", ["image"] = image }),
                },
            },
        },
    };

    /// <summary>A KubernetesClient body for a JSON object (the client serializes it as it is).</summary>
    protected static JsonElement Body(JsonObject obj) => JsonSerializer.SerializeToElement(obj);

    protected static JsonObject Json(object response) =>
        JsonNode.Parse(response is JsonElement e ? e.GetRawText() : KubernetesJson.Serialize(response))!.AsObject();

    /// <summary>Runs a call that must fail; returns the status code and the Status object the server answered with.</summary>
    protected static async Task<(HttpStatusCode Code, JsonObject Status)> FailsAsync(Func<Task> call)
    {
        HttpOperationException e = await Assert.ThrowsAsync<HttpOperationException>(call);
        JsonObject status = JsonNode.Parse(e.Response.Content)!.AsObject();
        Assert.Equal("Status", (string?)status["kind"]);
        Assert.Equal("v1", (string?)status["apiVersion"]);
        Assert.Equal("Failure", (string?)status["status"]);
        Assert.Equal((int)e.Response.StatusCode, (int?)status["code"]);
        return (e.Response.StatusCode, status);
    }
}
