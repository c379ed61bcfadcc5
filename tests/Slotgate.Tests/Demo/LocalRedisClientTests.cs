namespace Slotgate.Tests.Demo;

public sealed class LocalRedisClientTests
{
    [Fact]
    public void Format_NestedArray_FlattensOnePerLineLikeRedisCli()
    {
        RespValue reply = RespValue.Parse("*3\r\n:0\r\n*2\r\n$9\r\n127.0.0.1\r\n:7000\r\n$-1\r\n"u8.ToArray());

        Assert.Equal("0\n127.0.0.1\n7000\n", RedisCliText.Format(reply));
    }

    [Fact]
    public void Format_Scalars_ReturnsPayload()
    {
        Assert.Equal("OK", RedisCliText.Format(RespValue.Parse("+OK\r\n"u8.ToArray())));
        Assert.Equal("-12", RedisCliText.Format(RespValue.Parse(":-12\r\n"u8.ToArray())));
        Assert.Equal("ERR no", RedisCliText.Format(RespValue.Parse("-ERR no\r\n"u8.ToArray())));
        Assert.Equal(string.Empty, RedisCliText.Format(RespValue.Parse("$-1\r\n"u8.ToArray())));
        Assert.Equal(string.Empty, RedisCliText.Format(RespValue.Parse("*-1\r\n"u8.ToArray())));
        Assert.Equal(string.Empty, RedisCliText.Format(RespValue.Parse("*0\r\n"u8.ToArray())));
    }

    [Fact]
    public async Task ReadReplyAsync_ReplyArrivingByteByByte_DecodesTreeAndStopsAtItsEnd()
    {
        byte[] wire = "*5\r\n+OK\r\n-ERR no\r\n:42\r\n$5\r\nhel\r\n\r\n$-1\r\n+NEXT\r\n"u8.ToArray();
        using var stream = new OneByteStream(wire);

        RespValue reply = await LocalRedisClient.ReadReplyAsync(stream, CancellationToken.None);

        Assert.Equal('*', reply.Type);
        Assert.Equal(5, reply.ItemsOrEmpty.Count);
        Assert.True(reply.ItemsOrEmpty[1].IsError);
        Assert.Equal("ERR no", reply.ItemsOrEmpty[1].Text);
        Assert.Equal(42, reply.ItemsOrEmpty[2].Integer);
        Assert.Equal("hel\r\n", reply.ItemsOrEmpty[3].Text);
        Assert.True(reply.ItemsOrEmpty[4].IsNull);
    }

    [Fact]
    public async Task ReadReplyAsync_ConnectionClosesMidReply_ThrowsIOException()
    {
        using var stream = new MemoryStream("*2\r\n+OK\r\n"u8.ToArray());

        await Assert.ThrowsAsync<IOException>(() => LocalRedisClient.ReadReplyAsync(stream, CancellationToken.None));
    }

    [Fact]
    public async Task ReadReplyAsync_NotResp_ThrowsIOException()
    {
        using var stream = new MemoryStream("hello\r\n"u8.ToArray());

        await Assert.ThrowsAsync<IOException>(() => LocalRedisClient.ReadReplyAsync(stream, CancellationToken.None));
    }

    /// <summary>Returns at most one byte per read, so every incomplete-reply path is taken.</summary>
    private sealed class OneByteStream(byte[] data) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, 1)]);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 1)], cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, 1), cancellationToken);
    }
}
