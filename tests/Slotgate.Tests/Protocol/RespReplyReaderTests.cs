using System.Buffers;
using static Slotgate.Tests.Protocol.Sequences;

namespace Slotgate.Tests.Protocol;

public class RespReplyReaderTests
{
    [Theory]
    [InlineData("+OK\r\n", nameof(RespReplyKind.SimpleString))]
    [InlineData("-ERR x\r\n", nameof(RespReplyKind.Error))]
    [InlineData(":1\r\n", nameof(RespReplyKind.Integer))]
    [InlineData("$1\r\na\r\n", nameof(RespReplyKind.BulkString))]
    [InlineData("$-1\r\n", nameof(RespReplyKind.Null))]
    [InlineData("*1\r\n:1\r\n", nameof(RespReplyKind.Array))]
    [InlineData("*-1\r\n", nameof(RespReplyKind.Null))]
    [InlineData("_\r\n", nameof(RespReplyKind.Null))]
    [InlineData(",1.5\r\n", nameof(RespReplyKind.Double))]
    [InlineData("#t\r\n", nameof(RespReplyKind.Boolean))]
    [InlineData("(12\r\n", nameof(RespReplyKind.BigNumber))]
    [InlineData("!1\r\nx\r\n", nameof(RespReplyKind.BulkError))]
    [InlineData("=5\r\ntxt:a\r\n", nameof(RespReplyKind.VerbatimString))]
    [InlineData("%0\r\n", nameof(RespReplyKind.Map))]
    [InlineData("~0\r\n", nameof(RespReplyKind.Set))]
    [InlineData(">0\r\n", nameof(RespReplyKind.Push))]
    [InlineData("|0\r\n+a\r\n", nameof(RespReplyKind.Attribute))]
    [InlineData("?\r\n", nameof(RespReplyKind.Invalid))]
    [InlineData("", nameof(RespReplyKind.Invalid))]
    public void GetKind_AnyReplyInAnyShape_ReturnsItsType(string reply, string kindName)
    {
        // The enum is internal, so the theory takes its name (public test methods cannot expose internal types).
        RespReplyKind kind = Enum.Parse<RespReplyKind>(kindName);
        foreach ((string shape, ReadOnlySequence<byte> sequence) in AllShapes(Bytes(reply)))
        {
            Assert.True(kind == RespReplyReader.GetKind(sequence), shape);
        }
    }

    [Theory]
    [InlineData(":0\r\n", 0)]
    [InlineData(":42\r\n", 42)]
    [InlineData(":-7\r\n", -7)]
    [InlineData(":9223372036854775807\r\n", long.MaxValue)]
    [InlineData(":-9223372036854775808\r\n", long.MinValue)]
    public void TryReadInteger_IntegerReply_ReturnsValue(string reply, long expected)
    {
        foreach ((string shape, ReadOnlySequence<byte> sequence) in AllShapes(Bytes(reply)))
        {
            Assert.True(RespReplyReader.TryReadInteger(sequence, out long value), shape);
            Assert.Equal(expected, value);
        }
    }

    [Theory]
    [InlineData("+42\r\n")]
    [InlineData(":9223372036854775808\r\n")]
    [InlineData(":4x\r\n")]
    [InlineData("$2\r\n42\r\n")]
    public void TryReadInteger_OtherReply_ReturnsFalse(string reply) =>
        Assert.False(RespReplyReader.TryReadInteger(new ReadOnlySequence<byte>(Bytes(reply)), out _));

    [Theory]
    [InlineData("-MOVED 3999 10.0.0.1:6381\r\n", "MOVED 3999 10.0.0.1:6381")]
    [InlineData("!11\r\nASK 1 a:1\r\n\r\n", "ASK 1 a:1\r\n")]
    [InlineData("-\r\n", "")]
    public void GetErrorText_ErrorReply_ReturnsTextWithoutFraming(string reply, string text)
    {
        foreach ((string shape, ReadOnlySequence<byte> sequence) in AllShapes(Bytes(reply)))
        {
            Assert.True(RespReplyReader.IsError(sequence), shape);
            Assert.Equal(text, Text(RespReplyReader.GetErrorText(sequence)));
        }
    }

    [Fact]
    public void GetErrorText_NotAnError_Throws() =>
        Assert.Throws<InvalidOperationException>(() => RespReplyReader.GetErrorText(new ReadOnlySequence<byte>(Bytes("+OK\r\n"))));

    [Theory]
    [InlineData("-MOVED 3999 10.0.0.1:6381\r\n", "MOVED ", true)]
    [InlineData("-ASK 3999 10.0.0.1:6381\r\n", "MOVED ", false)]
    [InlineData("+MOVED \r\n", "MOVED ", false)]
    [InlineData("-MOV\r\n", "MOVED ", false)]
    public void ErrorStartsWith_Reply_MatchesOnlyErrorsWithThePrefix(string reply, string prefix, bool expected)
    {
        foreach ((string shape, ReadOnlySequence<byte> sequence) in AllShapes(Bytes(reply)))
        {
            Assert.True(expected == RespReplyReader.ErrorStartsWith(sequence, Bytes(prefix)), shape);
        }
    }

    [Fact]
    public void TryGetSimpleString_StatusReply_ReturnsText()
    {
        Assert.True(RespReplyReader.TryGetSimpleString(new ReadOnlySequence<byte>("+PONG\r\n"u8.ToArray()), out var text));
        Assert.Equal("PONG", Text(text));
        Assert.False(RespReplyReader.TryGetSimpleString(new ReadOnlySequence<byte>("-PONG\r\n"u8.ToArray()), out _));
    }

    [Theory]
    [InlineData("$5\r\nhello\r\n", "hello")]
    [InlineData("$0\r\n\r\n", "")]
    [InlineData("$4\r\na\r\nb\r\n", "a\r\nb")]
    public void TryGetBulkString_BulkReply_ReturnsPayload(string reply, string payload)
    {
        foreach ((string shape, ReadOnlySequence<byte> sequence) in AllShapes(Bytes(reply)))
        {
            Assert.True(RespReplyReader.TryGetBulkString(sequence, out var bytes), shape);
            Assert.Equal(payload, Text(bytes));
        }
    }

    [Fact]
    public void TryGetBulkString_NullBulk_ReturnsFalse() =>
        Assert.False(RespReplyReader.TryGetBulkString(new ReadOnlySequence<byte>("$-1\r\n"u8.ToArray()), out _));

    [Fact]
    public void ReadArray_MgetReplyInAnyShape_YieldsEachElementRaw()
    {
        const string reply = "*4\r\n$1\r\na\r\n$-1\r\n$4\r\nb\r\nc\r\n*1\r\n:1\r\n";
        string[] expected = ["$1\r\na\r\n", "$-1\r\n", "$4\r\nb\r\nc\r\n", "*1\r\n:1\r\n"];
        foreach ((string shape, ReadOnlySequence<byte> sequence) in AllShapes(Bytes(reply)))
        {
            var elements = new List<string>();
            RespArrayReader array = RespReplyReader.ReadArray(sequence);
            Assert.Equal(4, array.Count);
            foreach (ReadOnlySequence<byte> element in array)
            {
                elements.Add(Text(element));
            }
            Assert.True(expected.SequenceEqual(elements), shape);
        }
    }

    [Theory]
    [InlineData("*-1\r\n", -1)]
    [InlineData("*0\r\n", 0)]
    [InlineData("~2\r\n+a\r\n+b\r\n", 2)]
    [InlineData(">1\r\n+a\r\n", 1)]
    public void ReadArray_AggregateReply_ReportsCount(string reply, int count)
    {
        RespArrayReader array = RespReplyReader.ReadArray(new ReadOnlySequence<byte>(Bytes(reply)));
        Assert.Equal(count, array.Count);
        Assert.Equal(count < 0, array.IsNull);
        int seen = 0;
        while (array.MoveNext())
        {
            seen++;
        }
        Assert.Equal(Math.Max(count, 0), seen);
    }

    [Theory]
    [InlineData("$-1\r\n")]
    [InlineData("_\r\n")]
    [InlineData("+OK\r\n")]
    [InlineData("%1\r\n+a\r\n+b\r\n")]
    public void ReadArray_NotAnArray_Throws(string reply) =>
        Assert.Throws<InvalidOperationException>(() => RespReplyReader.ReadArray(new ReadOnlySequence<byte>(Bytes(reply))));
}
