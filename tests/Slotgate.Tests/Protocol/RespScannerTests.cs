using System.Buffers;
using static Slotgate.Tests.Protocol.Sequences;

namespace Slotgate.Tests.Protocol;

public class RespScannerTests
{
    public static TheoryData<string> ValidReplies => new()
    {
        "+OK\r\n",
        "+\r\n",
        "-ERR unknown command\r\n",
        ":-42\r\n",
        "$5\r\nhello\r\n",
        "$0\r\n\r\n",
        "$-1\r\n",
        "$4\r\na\r\nb\r\n",
        "*-1\r\n",
        "*0\r\n",
        "*3\r\n$1\r\na\r\n$-1\r\n:1\r\n",
        "*2\r\n*1\r\n+x\r\n*0\r\n",
        "_\r\n",
        ",3.14\r\n",
        ",-inf\r\n",
        "#t\r\n",
        "#f\r\n",
        "(3492890328409238509324850943850943825024385\r\n",
        "!21\r\nSYNTAX invalid syntax\r\n",
        "=15\r\ntxt:Some string\r\n",
        "%2\r\n+first\r\n:1\r\n+second\r\n:2\r\n",
        "%0\r\n",
        "~2\r\n+a\r\n+b\r\n",
        ">3\r\n+message\r\n+channel\r\n$2\r\nhi\r\n",
        "|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.19\r\n$1\r\nb\r\n,0.01\r\n*2\r\n:2039123\r\n:9543892\r\n",
        "*3\r\n|1\r\n+ttl\r\n:3\r\n+a\r\n_\r\n%1\r\n~1\r\n#t\r\n*1\r\n>0\r\n",
    };

    public static TheoryData<string, string> MalformedReplies => new()
    {
        { "?x\r\n", "Protocol error: unexpected reply type byte '?'" },
        { "*1\r\n?\r\n", "Protocol error: unexpected reply type byte '?'" },
        { "$abc\r\n", "Protocol error: invalid length in reply" },
        { "$?\r\n", "Protocol error: invalid length in reply" },
        { "$" + new string('1', 30), "Protocol error: invalid length in reply" },
        { "$1\rx", "Protocol error: invalid length in reply" },
        { "*-2\r\n", "Protocol error: invalid length in reply" },
        { "%-1\r\n", "Protocol error: invalid length in reply" },
        { "!-1\r\n", "Protocol error: invalid length in reply" },
        { "*3000000000\r\n", "Protocol error: invalid length in reply" },
        { "$3\r\nabcde\r\n", "Protocol error: reply element not terminated by CRLF" },
        { "+OK\rX", "Protocol error: reply element not terminated by CRLF" },
        { "_x\r\n", "Protocol error: invalid value in reply" },
        { "#x\r\n", "Protocol error: invalid value in reply" },
    };

    [Theory]
    [MemberData(nameof(ValidReplies))]
    public void TrySkipValue_CompleteReplyInAnyShape_StopsExactlyAtItsEnd(string reply)
    {
        byte[] data = Bytes(reply + "+NEXT\r\n");
        foreach ((string shape, ReadOnlySequence<byte> sequence) in AllShapes(data))
        {
            var reader = new SequenceReader<byte>(sequence);
            Assert.True(RespScanner.TrySkipValue(ref reader), shape);
            Assert.True(reply.Length == reader.Consumed, $"{shape}: stopped at {reader.Consumed}");
            Assert.True(RespScanner.TrySkipValue(ref reader), shape);
            Assert.True(reader.End, shape);
        }
    }

    [Theory]
    [MemberData(nameof(ValidReplies))]
    public void TrySkipValue_IncompleteReply_ReturnsFalseWithReaderRestored(string reply)
    {
        byte[] data = Bytes(reply);
        for (int length = 0; length < data.Length; length++)
        {
            foreach ((string shape, ReadOnlySequence<byte> sequence) in AllShapes(data[..length]))
            {
                var reader = new SequenceReader<byte>(sequence);
                Assert.False(RespScanner.TrySkipValue(ref reader), $"{length} bytes, {shape}");
                Assert.Equal(0, reader.Consumed);
            }
        }
    }

    [Theory]
    [MemberData(nameof(ValidReplies))]
    public void TrySkipValue_ResumedByteByByte_CompletesExactlyAtTheEnd(string reply)
    {
        byte[] data = Bytes(reply);
        RespScanState state = default;
        for (int length = 0; length <= data.Length; length++)
        {
            var reader = new SequenceReader<byte>(OneBytePerSegment(data[..length]));
            bool complete = RespScanner.TrySkipValue(ref reader, ref state);
            Assert.Equal(length == data.Length, complete);
            Assert.Equal(complete ? length : 0, reader.Consumed);
        }
        Assert.Equal(default, state);
    }

    [Theory]
    [MemberData(nameof(MalformedReplies))]
    public void TrySkipValue_MalformedReply_Throws(string reply, string message)
    {
        foreach ((string shape, ReadOnlySequence<byte> sequence) in AllShapes(Bytes(reply)))
        {
            var error = Assert.Throws<RespProtocolException>(() =>
            {
                var reader = new SequenceReader<byte>(sequence);
                RespScanner.TrySkipValue(ref reader);
            });
            Assert.True(message == error.Message, $"{shape}: got '{error.Message}'");
        }
    }

    [Fact]
    public void TrySkipValue_DeeplyNestedArrays_SkipsWithoutRecursion()
    {
        var builder = new StringBuilder();
        builder.Insert(0, "*1\r\n", 200_000).Append(":1\r\n");
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Bytes(builder.ToString())));

        Assert.True(RespScanner.TrySkipValue(ref reader));

        Assert.True(reader.End);
    }

    [Fact]
    public void TrySkipValue_LargeArrayArrivingInPieces_ResumesFromState()
    {
        var builder = new StringBuilder("*100000\r\n");
        for (int i = 0; i < 100_000; i++)
        {
            builder.Append("$5\r\nv").Append((i % 10000).ToString("D4")).Append("\r\n");
        }
        byte[] data = Bytes(builder.ToString());
        RespScanState state = default;
        int length = 0;
        bool complete = false;
        while (!complete)
        {
            length = Math.Min(length + 4096, data.Length);
            var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(data, 0, length));
            complete = RespScanner.TrySkipValue(ref reader, ref state);
            Assert.Equal(complete ? data.Length : 0, reader.Consumed);
        }
        Assert.Equal(data.Length, length);
    }
    /// <summary>Valid, malformed, incomplete and unusual replies for the one-segment fast path.</summary>
    public static TheoryData<string> SimpleEdgeReplies => new()
    {
        "+OK\r\n", "+\r\n", "-MOVED 12 127.0.0.1:7001\r\n", ":0\r\n", ":-42\r\n", "$0\r\n\r\n", "$-1\r\n",
        "$5\r\nhello\r\n", "$4\r\na\r\nb\r\n", "$123456789\r\n", "$1234567890\r\n", "$01\r\na\r\n", "$-2\r\n",
        "$-1\r", "$3\r\nabcde\r\n", "$3\r\nab", "$3\r\nabc\r", "+OK\rX", "+OK\r", "+OK", ":1\n\r\n", "$1\rx",
        "$abc\r\n", "$\r\n", "*1\r\n+x\r\n", "_\r\n", "+OK\r\n+NEXT\r\n",
    };

    [Theory]
    [MemberData(nameof(SimpleEdgeReplies))]
    public void TrySkipSimple_AnyReply_SameEndAsTheGeneralScanOrDefers(string reply)
    {
        byte[] data = Bytes(reply);
        int simple = RespScanner.TrySkipSimple(data);
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(data));
        long general;
        try
        {
            general = RespScanner.TrySkipValue(ref reader) ? reader.Consumed : 0;
        }
        catch (RespProtocolException)
        {
            general = -1;
        }
        // Either the fast path defers (0) or it found exactly the value the general scan finds.
        Assert.True(simple == 0 || simple == general, $"fast path {simple}, general scan {general}");
        if (reply is "+OK\r\n" or "$5\r\nhello\r\n" or "$-1\r\n" or ":-42\r\n" or "+OK\r\n+NEXT\r\n")
        {
            Assert.Equal(general, simple); // the everyday replies do take the fast path
        }
    }
}
