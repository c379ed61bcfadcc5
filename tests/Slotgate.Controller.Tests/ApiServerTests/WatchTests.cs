using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Slotgate.Controller.Tests.ApiServerTests;

/// <summary>List then watch through the real KubernetesClient: order, resume, 410 Expired, dropped streams, timeouts.</summary>
public sealed class WatchTests : ServerTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private async Task WaitForWatchesAsync(int count)
    {
        var clock = Stopwatch.StartNew();
        while (Server.OpenWatches != count)
        {
            Assert.True(clock.Elapsed < Patience, $"{Server.OpenWatches} watches open, expected {count}");
            await Task.Delay(10);
        }
    }

    private static async Task<List<(WatchEventType Type, string Name, string? Value)>> TakeAsync(
        IAsyncEnumerable<(WatchEventType, V1ConfigMap)> events, int count)
    {
        var seen = new List<(WatchEventType, string, string?)>();
        await foreach ((WatchEventType type, V1ConfigMap map) in events)
        {
            seen.Add((type, map.Metadata.Name, map.Data is not null && map.Data.TryGetValue("k", out string? value) ? value : null));
            if (seen.Count == count)
            {
                break;
            }
        }
        return seen;
    }

    [Fact]
    public async Task Watch_FromListResourceVersion_StreamsLaterEventsInOrder()
    {
        Server.Create(ConfigMap("default", "a", ("k", "1")));
        V1ConfigMapList list = await Admin.CoreV1.ListNamespacedConfigMapAsync("default");
        Server.Create(ConfigMap("default", "b"));
        Server.Update(ConfigMap("default", "a", ("k", "2")));
        Server.Delete("v1", "ConfigMap", "default", "b");
        using var cancel = new CancellationTokenSource(Patience);

        var events = Admin.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: list.Metadata.ResourceVersion, cancellationToken: cancel.Token);
        Task<List<(WatchEventType, string, string?)>> taking = TakeAsync(events, 4);
        await WaitForWatchesAsync(1);
        Server.Create(ConfigMap("default", "c"));

        Assert.Equal(
            [(WatchEventType.Added, "b", null), (WatchEventType.Modified, "a", "2"), (WatchEventType.Deleted, "b", null), (WatchEventType.Added, "c", null)],
            await taking);
    }

    [Fact]
    public async Task Watch_WithoutResourceVersion_StartsWithTheCurrentObjects()
    {
        Server.Create(ConfigMap("default", "a"));
        using var cancel = new CancellationTokenSource(Patience);

        var seen = await TakeAsync(Admin.CoreV1.WatchListNamespacedConfigMapAsync("default", cancellationToken: cancel.Token), 1);

        Assert.Equal([(WatchEventType.Added, "a", null)], seen);
    }

    [Fact]
    public async Task Watch_LabelSelector_SendsAddedAndDeletedAsObjectsStartAndStopMatching()
    {
        V1ConfigMapList list = await Admin.CoreV1.ListNamespacedConfigMapAsync("default");
        JsonObject labelled = ConfigMap("default", "a", ("k", "1"));
        labelled["metadata"]!["labels"] = new JsonObject { ["app"] = "x" };
        Server.Create(ConfigMap("default", "a", ("k", "0")));
        Server.Update(labelled);
        Server.Update(ConfigMap("default", "a", ("k", "2")));
        using var cancel = new CancellationTokenSource(Patience);

        var seen = await TakeAsync(Admin.CoreV1.WatchListNamespacedConfigMapAsync(
            "default", labelSelector: "app=x", resourceVersion: list.Metadata.ResourceVersion, cancellationToken: cancel.Token), 2);

        Assert.Equal([(WatchEventType.Added, "a", "1"), (WatchEventType.Deleted, "a", "2")], seen);
    }

    [Fact]
    public async Task Watch_ResourceVersionOlderThanHistory_GetsExpiredErrorEvent()
    {
        Server.Create(ConfigMap("default", "a"));
        V1ConfigMapList list = await Admin.CoreV1.ListNamespacedConfigMapAsync("default");
        Server.Create(ConfigMap("default", "b"));
        Server.Compact();
        var errors = new List<Exception>();
        using var cancel = new CancellationTokenSource(Patience);

        var seen = await TakeAsync(Admin.CoreV1.WatchListNamespacedConfigMapAsync(
            "default", resourceVersion: list.Metadata.ResourceVersion, onError: errors.Add, cancellationToken: cancel.Token), 1);

        Assert.Empty(seen);
        var expired = Assert.IsType<KubernetesException>(Assert.Single(errors));
        Assert.Equal(410, expired.Status.Code);
        Assert.Equal("Expired", expired.Status.Reason);
        Assert.Equal($"too old resource version: {list.Metadata.ResourceVersion} ({Server.ResourceVersion})", expired.Status.Message);
    }

    [Fact]
    public async Task Watch_ExpiredOnTheWire_Is200WithOneErrorEvent()
    {
        Server.Compact();
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Server.AdminToken);

        using HttpResponseMessage response = await http.GetAsync($"{Server.Host}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1");
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        JsonObject line = JsonNode.Parse(body.Trim())!.AsObject();
        Assert.Equal("ERROR", (string?)line["type"]);
        Assert.Equal(410, (int?)line["object"]!["code"]);
        Assert.Equal("Expired", (string?)line["object"]!["reason"]);
    }

    // KubernetesClient reads a watch's first line before it returns the stream, so a stream that ends before any event
    // fails in the client (as against a real server); these tests let one event through first.
    [Fact]
    public async Task DropWatches_OpenStream_EndsIt()
    {
        Server.Create(ConfigMap("default", "a"));
        using var cancel = new CancellationTokenSource(Patience);
        Task<List<(WatchEventType, string, string?)>> taking = TakeAsync(Admin.CoreV1.WatchListNamespacedConfigMapAsync("default", cancellationToken: cancel.Token), 2);
        await WaitForWatchesAsync(1);

        Assert.Equal(1, Server.DropWatches());

        Assert.Equal([(WatchEventType.Added, "a", null)], await taking);
        Assert.False(cancel.IsCancellationRequested);
        Assert.Equal(0, Server.OpenWatches);
    }

    [Fact]
    public async Task ExpireWatches_OpenStream_GetsExpiredErrorAndEnds()
    {
        Server.Create(ConfigMap("default", "a"));
        using var cancel = new CancellationTokenSource(Patience);
        var errors = new List<Exception>();
        Task<List<(WatchEventType, string, string?)>> taking = TakeAsync(
            Admin.CoreV1.WatchListNamespacedConfigMapAsync("default", onError: errors.Add, cancellationToken: cancel.Token), 2);
        await WaitForWatchesAsync(1);

        Assert.Equal(1, Server.ExpireWatches());

        Assert.Equal([(WatchEventType.Added, "a", null)], await taking);
        var expired = Assert.IsType<KubernetesException>(Assert.Single(errors));
        Assert.Equal(410, expired.Status.Code);
        Assert.Equal(0, Server.OpenWatches);
    }

    [Fact]
    public async Task DropWatches_Abort_FailsTheStream()
    {
        using var cancel = new CancellationTokenSource(Patience);
        var errors = new List<Exception>();
        Task<List<(WatchEventType, string, string?)>> taking = TakeAsync(
            Admin.CoreV1.WatchListNamespacedConfigMapAsync("default", onError: errors.Add, cancellationToken: cancel.Token), 1);
        await WaitForWatchesAsync(1);

        Server.DropWatches(abort: true);

        Exception? failure = await Record.ExceptionAsync(() => taking);
        Assert.True(failure is not null || errors.Count > 0, "an aborted stream surfaces as an error");
        Assert.False(cancel.IsCancellationRequested);
    }

    [Fact]
    public async Task Watch_TimeoutSeconds_EndsTheStream()
    {
        Server.Create(ConfigMap("default", "a"));
        using var cancel = new CancellationTokenSource(Patience);
        var clock = Stopwatch.StartNew();

        var seen = await TakeAsync(Admin.CoreV1.WatchListNamespacedConfigMapAsync("default", timeoutSeconds: 1, cancellationToken: cancel.Token), 2);

        Assert.Equal([(WatchEventType.Added, "a", null)], seen);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task SendBookmarks_WatchAllowingBookmarks_GetsTheCurrentResourceVersion()
    {
        Server.Create(ConfigMap("default", "a"));
        using var cancel = new CancellationTokenSource(Patience);
        var seen = new List<(WatchEventType, string?)>();
        Task reading = Task.Run(async () =>
        {
            await foreach ((WatchEventType type, V1ConfigMap map) in Admin.CoreV1.WatchListNamespacedConfigMapAsync(
                               "default", allowWatchBookmarks: true, cancellationToken: cancel.Token))
            {
                seen.Add((type, map.Metadata.ResourceVersion));
                if (seen.Count == 2)
                {
                    break;
                }
            }
        });
        await WaitForWatchesAsync(1);

        Assert.Equal(1, Server.SendBookmarks());
        await reading;

        Assert.Equal(WatchEventType.Added, seen[0].Item1);
        Assert.Equal((WatchEventType.Bookmark, Server.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)), seen[1]);
    }

    [Fact]
    public async Task WaitForAsync_ObjectChangedLater_ReturnsItOnceTheConditionHolds()
    {
        Server.Create(Deployment("default", "d"));
        Task<JsonObject> waiting = Server.WaitForAsync("apps/v1", "Deployment", "default", "d", d => (int?)d["status"]?["readyReplicas"] == 2);

        Server.Modify("apps/v1", "Deployment", "default", "d", d => d["status"] = new JsonObject { ["readyReplicas"] = 2 });

        JsonObject ready = await waiting;
        Assert.Equal(1, (int?)ready["metadata"]!["generation"]);
    }

    [Fact]
    public async Task Watch_CustomResourcesThroughTheGenericClient_StreamsEvents()
    {
        Server.InstallGatewayApiCrds();
        JsonObject list = Json(await Admin.CustomObjects.ListClusterCustomObjectAsync(Gw, "v1", "gateways"));
        string rv = (string)list["metadata"]!["resourceVersion"]!;
        Server.Create(Gateway("default", "gw"));
        using var cancel = new CancellationTokenSource(Patience);

        var seen = new List<(WatchEventType, string)>();
        await foreach (var (type, item) in Admin.CustomObjects.WatchListClusterCustomObjectAsync(Gw, "v1", "gateways", resourceVersion: rv, cancellationToken: cancel.Token))
        {
            seen.Add((type, (string)Json(item)["metadata"]!["name"]!));
            break;
        }

        Assert.Equal([(WatchEventType.Added, "gw")], seen);
    }
}
