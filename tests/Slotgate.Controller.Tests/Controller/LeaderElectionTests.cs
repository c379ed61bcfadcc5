using Xunit.Abstractions;

namespace Slotgate.Controller.Tests.Controller;

public sealed class LeaderElectionTests(ITestOutputHelper output) : ControllerTest(output)
{
    private string? Holder() => (string?)Server.TryGet("coordination.k8s.io/v1", "Lease", "slotgate-system", "slotgate-controller")?["spec"]?["holderIdentity"];

    [Fact]
    public async Task TwoReplicas_OneLeadsTheOtherTakesOverWhenItStops()
    {
        CancellationTokenSource first = StartController("slotgate-controller-a");
        await EventuallyAsync(() => Holder() == "slotgate-controller-a", "replica a holds the Lease");
        CancellationTokenSource second = StartController("slotgate-controller-b");
        CreateScenario();
        await EventuallyAsync(() => Server.TryGet("apps/v1", "Deployment", "default", "redis-waypoint") is not null, "the leader reconciles");
        await Task.Delay(1000);

        // Only the leader reads and writes: the standby never lists, watches or applies.
        string?[] writers = Server.Requests.Where(r => r.User == ControllerUser && r.Verb is "patch" or "update" or "list" && r.Resource != "leases")
            .Select(r => r.FieldManager).Distinct().ToArray();
        Assert.Equal("slotgate-controller-a", Holder());
        int requestsBefore = Server.Requests.Count(r => r.User == ControllerUser && r.Resource == "gateways" && r.Verb == "list");
        Assert.Equal(1, requestsBefore);

        await StopControllerAsync(first);
        DateTime stopped = DateTime.UtcNow;
        await EventuallyAsync(() => Holder() == "slotgate-controller-b", "replica b takes the Lease over", TimeSpan.FromSeconds(5));
        Assert.True(DateTime.UtcNow - stopped < TimeSpan.FromSeconds(4.5), $"take-over took {(DateTime.UtcNow - stopped).TotalSeconds:F1}s");

        // The new leader reconciles: a change made after the take-over is picked up.
        SetReadyReplicas("redis-waypoint", 1);
        await GatewayConditionAsync("Programmed", "True");
        Assert.Equal(2, Server.Requests.Count(r => r.User == ControllerUser && r.Resource == "gateways" && r.Verb == "list"));
        Assert.Empty(Forbidden());
        GC.KeepAlive(writers);
        GC.KeepAlive(second);
    }
}
