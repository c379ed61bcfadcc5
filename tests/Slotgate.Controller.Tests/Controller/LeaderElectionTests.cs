using Xunit.Abstractions;

namespace Slotgate.Controller.Tests.Controller;

/// <summary>Two replicas of the controller sharing the shipped service account and one Lease (2 s in these tests).</summary>
public sealed class LeaderElectionTests(ITestOutputHelper output) : ControllerTest(output)
{
    private string? Holder() => (string?)Server.TryGet("coordination.k8s.io/v1", "Lease", "slotgate-system", "slotgate-controller")?["spec"]?["holderIdentity"];

    private int GatewayLists() => Server.Requests.Count(r => r.User == ControllerUser && r.Resource == "gateways" && r.Verb == "list");

    /// <summary>Replica a leads and reconciles; b waits without reading or writing anything but the Lease.</summary>
    private async Task<CancellationTokenSource> TwoReplicasAsync(bool releaseOnStop)
    {
        CancellationTokenSource first = StartController("slotgate-controller-a", Options("slotgate-controller-a") with { ReleaseOnStop = releaseOnStop });
        await EventuallyAsync(() => Holder() == "slotgate-controller-a", "replica a holds the Lease");
        StartController("slotgate-controller-b");
        CreateScenario();
        await EventuallyAsync(() => Server.TryGet("apps/v1", "Deployment", "default", "redis-waypoint") is not null, "the leader reconciles");
        await Task.Delay(1000);
        Assert.Equal("slotgate-controller-a", Holder());
        Assert.Equal(1, GatewayLists());
        return first;
    }

    /// <summary>Stops the leader and waits for replica b to hold the Lease; returns how long that took.</summary>
    private async Task<TimeSpan> StopAndTakeOverAsync(CancellationTokenSource leader, string because)
    {
        await StopControllerAsync(leader);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await EventuallyAsync(() => Holder() == "slotgate-controller-b", because);
        Output.WriteLine($"take-over after {clock.Elapsed.TotalSeconds:F2}s");
        return clock.Elapsed;
    }

    [Fact]
    public async Task TwoReplicas_LeaderStopsWithoutReleasing_OtherTakesOverWithinTheLeaseDuration()
    {
        CancellationTokenSource first = await TwoReplicasAsync(releaseOnStop: false);

        TimeSpan takeOver = await StopAndTakeOverAsync(first, "replica b takes the Lease over");
        Assert.True(takeOver < TimeSpan.FromSeconds(2 + 2.5), $"take-over took {takeOver.TotalSeconds:F1}s for a 2s lease");

        // The new leader reconciles: a change made after the take-over is picked up.
        SetReadyReplicas("redis-waypoint", 1);
        await GatewayConditionAsync("Programmed", "True");
        Assert.Equal(2, GatewayLists());
        Assert.Empty(Forbidden());
    }

    [Fact]
    public async Task TwoReplicas_LeaderStopsCleanly_ReleasesAndOtherTakesOverAtOnce()
    {
        CancellationTokenSource first = await TwoReplicasAsync(releaseOnStop: true);

        TimeSpan takeOver = await StopAndTakeOverAsync(first, "replica b takes the released Lease");
        // Well before the 2s lease would have run out: at b's next retry.
        Assert.True(takeOver < TimeSpan.FromSeconds(1.8), $"take-over took {takeOver.TotalSeconds:F1}s");

        SetReadyReplicas("redis-waypoint", 1);
        await GatewayConditionAsync("Programmed", "True");
        Assert.Empty(Forbidden());
    }
}
