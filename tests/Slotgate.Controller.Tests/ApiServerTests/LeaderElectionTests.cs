using System.Diagnostics;
using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;

namespace Slotgate.Controller.Tests.ApiServerTests;

/// <summary>KubernetesClient's LeaderElector over a coordination.k8s.io Lease kept by the server.</summary>
public sealed class LeaderElectionTests : ServerTest
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(1);

    private sealed class Candidate : IDisposable
    {
        private readonly IKubernetes _client;
        private readonly CancellationTokenSource _stop = new();
        private readonly LeaderElector _elector;
        private int _leading;

        public Candidate(IKubernetes client, string identity)
        {
            _client = client;
            Identity = identity;
            _elector = new LeaderElector(new LeaderElectionConfig(new LeaseLock(client, "default", "slotgate-controller", identity))
            {
                LeaseDuration = LeaseDuration,
                RenewDeadline = TimeSpan.FromMilliseconds(800),
                RetryPeriod = TimeSpan.FromMilliseconds(100),
            });
            _elector.OnStartedLeading += () => Interlocked.Exchange(ref _leading, 1);
            _elector.OnStoppedLeading += () => Interlocked.Exchange(ref _leading, 0);
            Running = _elector.RunAndTryToHoldLeadershipForeverAsync(_stop.Token);
        }

        public string Identity { get; }

        public bool Leading => Volatile.Read(ref _leading) == 1;

        public Task Running { get; }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await Running;
            }
            catch (OperationCanceledException)
            {
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _elector.Dispose();
            _client.Dispose();
            _stop.Dispose();
        }
    }

    private static async Task<Candidate> LeaderAmongAsync(params Candidate[] candidates)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var leaders = candidates.Where(c => c.Leading).ToList();
            Assert.True(leaders.Count <= 1, "two candidates lead at once");
            if (leaders.Count == 1)
            {
                return leaders[0];
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "no candidate became leader");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task LeaderElector_TwoCandidates_OneLeadsAndTheOtherTakesOverWhenItStops()
    {
        using var a = new Candidate(Server.AdminClient(), "a");
        using var b = new Candidate(Server.AdminClient(), "b");

        Candidate first = await LeaderAmongAsync(a, b);
        // Both keep running for a few renewals: leadership stays put and never doubles.
        for (int i = 0; i < 10; i++)
        {
            Assert.Same(first, await LeaderAmongAsync(a, b));
            await Task.Delay(50);
        }
        Candidate second = first == a ? b : a;
        var clock = Stopwatch.StartNew();
        await first.StopAsync();
        Candidate next = await LeaderAmongAsync(second);

        Assert.Same(second, next);
        Assert.True(clock.Elapsed < LeaseDuration + TimeSpan.FromSeconds(1), $"take-over took {clock.Elapsed}");
        var lease = await Admin.CoordinationV1.ReadNamespacedLeaseAsync("slotgate-controller", "default");
        Assert.Equal(second.Identity, lease.Spec.HolderIdentity);
    }
}
