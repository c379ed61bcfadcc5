using Slotgate.Demo;

namespace Slotgate.Tests.Demo;

public sealed class LocalRedisReplyTests
{
    [Fact]
    public void ToText_NestedArray_FlattensOnePerLineLikeRedisCli()
    {
        LocalRedisReply reply = LocalRedisReply.List(
        [
            LocalRedisReply.Number(0),
            LocalRedisReply.List([LocalRedisReply.Bulk("127.0.0.1"), LocalRedisReply.Number(7000)]),
            LocalRedisReply.Null,
        ]);

        Assert.Equal("0\n127.0.0.1\n7000\n", reply.ToText());
    }

    [Fact]
    public void ToText_Scalars_ReturnsPayload()
    {
        Assert.Equal("OK", LocalRedisReply.Simple("OK").ToText());
        Assert.Equal("-12", LocalRedisReply.Number(-12).ToText());
        Assert.Equal(string.Empty, LocalRedisReply.Null.ToText());
    }

    [Fact]
    public async Task ReadAsync_AllTypes_DecodesTree()
    {
        byte[] wire = "*5\r\n+OK\r\n-ERR no\r\n:42\r\n$5\r\nhel\r\n\r\n$-1\r\n"u8.ToArray();
        var reader = new LocalRedisReplyReader(new MemoryStream(wire));

        LocalRedisReply reply = await reader.ReadAsync(CancellationToken.None);

        Assert.Equal(LocalRedisReplyKind.Array, reply.Kind);
        Assert.Equal(LocalRedisReplyKind.Error, reply.Items[1].Kind);
        Assert.Equal("ERR no", reply.Items[1].Text);
        Assert.Equal(42, reply.Items[2].Integer);
        Assert.Equal("hel\r\n", reply.Items[3].Text);
        Assert.Equal(LocalRedisReplyKind.Null, reply.Items[4].Kind);
    }
}
