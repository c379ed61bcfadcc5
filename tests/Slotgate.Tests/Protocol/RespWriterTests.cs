using System.Buffers;
using static Slotgate.Tests.Protocol.Sequences;

namespace Slotgate.Tests.Protocol;

public class RespWriterTests
{
    [Fact]
    public void WriteSimpleString_Text_WritesStatusLine()
    {
        var writer = new ArrayBufferWriter<byte>();
        RespWriter.WriteSimpleString(writer, "OK"u8);
        Assert.Equal("+OK\r\n", Text(writer.WrittenSpan));
    }

    [Fact]
    public void WriteError_TextWithLineBreaks_ReplacesThemWithSpaces()
    {
        var writer = new ArrayBufferWriter<byte>();
        RespWriter.WriteError(writer, "ERR bad\r\nthing\n"u8);
        RespWriter.WriteError(writer, "ERR Protocol error: expected '$', got '\r'");
        Assert.Equal("-ERR bad  thing \r\n-ERR Protocol error: expected '$', got ' '\r\n", Text(writer.WrittenSpan));
    }

    [Fact]
    public void WriteSimpleString_TextWithLineBreaks_CannotInjectAReply()
    {
        var writer = new ArrayBufferWriter<byte>();
        RespWriter.WriteSimpleString(writer, "OK\r\n+INJECTED"u8);
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(writer.WrittenMemory));
        Assert.True(RespScanner.TrySkipValue(ref reader));
        Assert.True(reader.End);
    }

    [Theory]
    [InlineData(0, ":0\r\n")]
    [InlineData(-12, ":-12\r\n")]
    [InlineData(long.MaxValue, ":9223372036854775807\r\n")]
    [InlineData(long.MinValue, ":-9223372036854775808\r\n")]
    public void WriteInteger_Value_WritesDecimal(long value, string expected)
    {
        var writer = new ArrayBufferWriter<byte>();
        RespWriter.WriteInteger(writer, value);
        Assert.Equal(expected, Text(writer.WrittenSpan));
    }

    [Fact]
    public void WriteBulkString_SpanAndSequence_WriteSameBytes()
    {
        var fromSpan = new ArrayBufferWriter<byte>();
        var fromSequence = new ArrayBufferWriter<byte>();
        byte[] payload = Bytes("a\r\nb");

        RespWriter.WriteBulkString(fromSpan, payload);
        RespWriter.WriteBulkString(fromSequence, OneBytePerSegment(payload));

        Assert.Equal("$4\r\na\r\nb\r\n", Text(fromSpan.WrittenSpan));
        Assert.Equal(Text(fromSpan.WrittenSpan), Text(fromSequence.WrittenSpan));
    }

    [Fact]
    public void WriteNulls_AllForms_WriteProtocolConstants()
    {
        var writer = new ArrayBufferWriter<byte>();
        RespWriter.WriteNullBulk(writer);
        RespWriter.WriteNullArray(writer);
        RespWriter.WriteNull(writer);
        Assert.Equal("$-1\r\n*-1\r\n_\r\n", Text(writer.WrittenSpan));
    }

    [Fact]
    public void WriteArray_MergedMgetReply_RoundTripsThroughReader()
    {
        // Two backend replies for the halves of a split MGET, merged by copying their elements as they are.
        var first = new ReadOnlySequence<byte>(Bytes("*2\r\n$1\r\na\r\n$-1\r\n"));
        ReadOnlySequence<byte> second = OneBytePerSegment(Bytes("*1\r\n$2\r\nbc\r\n"));
        var writer = new ArrayBufferWriter<byte>();

        RespWriter.WriteArrayHeader(writer, 3);
        foreach (ReadOnlySequence<byte> element in RespReplyReader.ReadArray(first))
        {
            RespWriter.WriteRaw(writer, element);
        }
        foreach (ReadOnlySequence<byte> element in RespReplyReader.ReadArray(second))
        {
            RespWriter.WriteRaw(writer, element);
        }

        Assert.Equal("*3\r\n$1\r\na\r\n$-1\r\n$2\r\nbc\r\n", Text(writer.WrittenSpan));
        var merged = new ReadOnlySequence<byte>(writer.WrittenMemory);
        var values = new List<string?>();
        foreach (ReadOnlySequence<byte> element in RespReplyReader.ReadArray(merged))
        {
            values.Add(RespReplyReader.TryGetBulkString(element, out var payload) ? Text(payload) : null);
        }
        Assert.Equal(["a", null, "bc"], values);
    }

    [Fact]
    public void WriteMapHeaderAndRaw_Resp3Map_ScansAsOneValue()
    {
        var writer = new ArrayBufferWriter<byte>();
        RespWriter.WriteMapHeader(writer, 1);
        RespWriter.WriteBulkString(writer, "proto"u8);
        RespWriter.WriteInteger(writer, 3);
        RespWriter.WriteRaw(writer, RespWriter.Ok);

        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(writer.WrittenMemory));
        Assert.True(RespScanner.TrySkipValue(ref reader));
        Assert.Equal("%1\r\n$5\r\nproto\r\n:3\r\n", Text(writer.WrittenSpan[..(int)reader.Consumed]));
        Assert.True(RespScanner.TrySkipValue(ref reader));
        Assert.True(reader.End);
    }
}
