using Slotgate.Backend;

namespace Slotgate.Tests.Backend;

/// <summary>The two queues of a node connection: commands waiting to be written, and requests awaiting replies.</summary>
public class QueueTests
{
    [Fact]
    public void InflightQueue_GrowsWhileWrappedAround_KeepsFifoOrder()
    {
        var queue = new InflightQueue();
        var requests = Enumerable.Range(0, 500).Select(i => new DiscardRequest { SentAt = i }).ToArray();
        int next = 0;
        // Interleave so the ring's head moves before each growth: entries wrap around the end of the array.
        foreach (DiscardRequest request in requests)
        {
            queue.Enqueue(request);
            if (request.SentAt % 3 == 0)
            {
                Assert.True(queue.TryDequeue(out BackendRequest? head));
                Assert.Same(requests[next++], head);
            }
        }
        Assert.True(queue.TryGetOldestSentAt(out long oldest));
        Assert.Equal(next, oldest);
        while (queue.TryDequeue(out BackendRequest? head))
        {
            Assert.Same(requests[next++], head);
        }
        Assert.Equal(requests.Length, next);
        Assert.False(queue.TryGetOldestSentAt(out _));
    }

    [Fact]
    public void InflightQueue_BatchUnderOneLock_SameAsOneByOne()
    {
        var queue = new InflightQueue();
        var requests = Enumerable.Range(0, 200).Select(_ => new DiscardRequest()).ToArray();
        using (queue.EnterBatch())
        {
            foreach (DiscardRequest request in requests)
            {
                queue.EnqueueLocked(request);
            }
        }
        foreach (DiscardRequest request in requests)
        {
            Assert.True(queue.TryDequeue(out BackendRequest? head));
            Assert.Same(request, head);
        }
    }

    [Fact]
    public async Task BatchQueue_WriteWhileWaiting_WakesTheConsumerWithEverythingQueued()
    {
        var queue = new BatchQueue<DiscardRequest>(inlineContinuations: false);
        ValueTask<bool> wait = queue.WaitToReadAsync();
        Assert.False(wait.IsCompleted);
        var first = new DiscardRequest();
        var second = new DiscardRequest();
        Assert.True(queue.TryWrite(first));
        Assert.True(queue.TryWrite(second));
        Assert.True(await wait);

        Span<BatchQueue<DiscardRequest>.Slot> batch = queue.TakeAll();
        Assert.Equal(2, batch.Length);
        Assert.Same(first, batch[0].Item);
        Assert.Same(second, batch[1].Item);
        batch.Clear();
        Assert.Equal(0, queue.TakeAll().Length);
    }

    [Fact]
    public async Task BatchQueue_Completed_RefusesWritesAndEndsTheWaitOnceEmpty()
    {
        var queue = new BatchQueue<DiscardRequest>(inlineContinuations: true);
        var queued = new DiscardRequest();
        Assert.True(queue.TryWrite(queued));
        queue.Complete();
        Assert.False(queue.TryWrite(new DiscardRequest()));
        Assert.True(await queue.WaitToReadAsync()); // what was queued before the completion is still there
        Assert.Same(queued, Assert.Single(queue.Drain()));
        Assert.False(await queue.WaitToReadAsync());

        var waiting = new BatchQueue<DiscardRequest>(inlineContinuations: true);
        ValueTask<bool> wait = waiting.WaitToReadAsync();
        waiting.Complete();
        Assert.False(await wait);
    }

    [Fact]
    public void BatchQueue_ManyItems_GrowsAndKeepsOrder()
    {
        var queue = new BatchQueue<DiscardRequest>(inlineContinuations: true);
        var requests = Enumerable.Range(0, 1000).Select(_ => new DiscardRequest()).ToArray();
        foreach (DiscardRequest request in requests)
        {
            queue.TryWrite(request);
        }
        Span<BatchQueue<DiscardRequest>.Slot> batch = queue.TakeAll();
        Assert.Equal(requests.Length, batch.Length);
        for (int i = 0; i < requests.Length; i++)
        {
            Assert.Same(requests[i], batch[i].Item);
        }
    }
}
