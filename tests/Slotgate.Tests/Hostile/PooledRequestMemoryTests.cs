using System.Buffers;
using Slotgate.Routing;

namespace Slotgate.Tests.Hostile;

/// <summary>
/// Requests are pooled process-wide (up to 32,768), so a buffer a request keeps after one large command or reply is
/// kept for the life of the process: a client sending a few large values must not leave that memory pinned.
/// </summary>
public class PooledRequestMemoryTests
{
    [Fact]
    public void Return_AfterLargeCommandAndReply_LargeBuffersNotRetained()
    {
        var pool = new RequestPool(16);
        ProxyRequest request = pool.Rent();
        request.Frame.Set("SET", "k", new string('x', 4 << 20));
        request.SetReply(new ReadOnlySequence<byte>(new byte[4 << 20]));

        pool.Return(request);
        ProxyRequest reused = pool.Rent();

        Assert.Same(request, reused);
        Assert.True(reused.Frame.Capacity <= 1 << 20, $"frame kept {reused.Frame.Capacity} bytes");
        Assert.True(((ArrayBufferWriter<byte>)reused.ReplyWriter).Capacity <= 64 << 10, "reply buffer kept");
    }

    [Fact]
    public void Return_AfterSmallCommand_BuffersKeptForReuse()
    {
        var pool = new RequestPool(16);
        ProxyRequest request = pool.Rent();
        request.Frame.Set("SET", "k", new string('x', 1000));
        int capacity = request.Frame.Capacity;

        pool.Return(request);

        Assert.Equal(capacity, pool.Rent().Frame.Capacity);
    }
}
