namespace Slotgate.Tests.Support;

/// <summary>Polls a condition until it holds, failing the test with what was awaited when it does not in time.</summary>
internal static class Wait
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Waits until <paramref name="condition"/> is true (default: up to 10 s).</summary>
    public static Task UntilAsync(Func<bool> condition, TimeSpan? timeout = null, string what = "condition") =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what);

    /// <param name="state">Describes the state at the time of a failure, for the message.</param>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string what = "condition", Func<string>? state = null)
    {
        TimeSpan limit = timeout ?? DefaultTimeout;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < limit, $"{what}: not met within {limit.TotalSeconds:0.#} s {state?.Invoke()}");
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Waits until Slotgate's map shows a healthy replica in every shard (replicas report loading at first).</summary>
    public static Task UntilReplicasHealthyAsync(Slotgate.Hosting.SlotgateServer server, TimeSpan timeout) =>
        UntilAsync(() => server.Topology.Current.Shards.All(s => s.Replicas.Any(r => r.Healthy)), timeout, "a healthy replica in every shard");
}
