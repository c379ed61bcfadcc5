using Slotgate.Controller.Runtime;

namespace Slotgate.Controller.Tests.Kubernetes;

public sealed class WorkQueueTests
{
    private static async Task<string?> TryTakeAsync(WorkQueue queue, int milliseconds = 200)
    {
        using var timeout = new CancellationTokenSource(milliseconds);
        try
        {
            return await queue.TakeAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    [Fact]
    public async Task Add_SameKeyTwiceWhileWaiting_HandedOutOnce()
    {
        using var queue = new WorkQueue(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1));

        queue.Add("Gateway/default/a");
        queue.Add("Gateway/default/a");
        queue.Add("Gateway/default/b");

        Assert.Equal("Gateway/default/a", await TryTakeAsync(queue));
        Assert.Equal("Gateway/default/b", await TryTakeAsync(queue));
        Assert.Null(await TryTakeAsync(queue));
    }

    [Fact]
    public async Task Add_KeyBeingProcessed_NotHandedToASecondWorkerButProcessedAgainAfterDone()
    {
        using var queue = new WorkQueue(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1));
        queue.Add("k");
        string key = (await TryTakeAsync(queue))!;

        queue.Add("k");

        Assert.Null(await TryTakeAsync(queue, 100));
        queue.Done(key);
        Assert.Equal("k", await TryTakeAsync(queue));
    }

    [Fact]
    public void AddRateLimited_ConsecutiveFailures_DelayDoublesUpToTheBoundAndForgetResets()
    {
        using var queue = new WorkQueue(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500));

        TimeSpan[] delays = [.. Enumerable.Range(0, 5).Select(_ => queue.AddRateLimited("bad"))];
        TimeSpan other = queue.AddRateLimited("good");
        queue.Forget("bad");

        Assert.Equal([100, 200, 400, 500, 500], delays.Select(d => (int)d.TotalMilliseconds));
        Assert.Equal(100, (int)other.TotalMilliseconds);
        Assert.Equal(100, (int)queue.AddRateLimited("bad").TotalMilliseconds);
    }

    [Fact]
    public async Task AddAfter_Delay_KeyArrivesOnlyThen()
    {
        using var queue = new WorkQueue(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(1));

        queue.AddAfter("later", TimeSpan.FromMilliseconds(300));

        Assert.Null(await TryTakeAsync(queue, 100));
        Assert.Equal("later", await TryTakeAsync(queue, 1000));
    }
}
