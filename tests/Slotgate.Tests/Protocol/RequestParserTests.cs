using System.Buffers;
using static Slotgate.Tests.Protocol.Sequences;

namespace Slotgate.Tests.Protocol;

public class RequestParserTests
{
    /// <summary>Valid input and the commands it holds, each rendered as "arg | arg | ...".</summary>
    public static TheoryData<string, string[]> ValidPayloads => new()
    {
        { "*1\r\n$4\r\nPING\r\n", ["PING"] },
        { "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n", ["SET | k | "] },
        { "*2\r\n$4\r\nECHO\r\n$4\r\na\r\nb\r\n", ["ECHO | a\r\nb"] },
        { "*2\r\n$4\r\nECHO\r\n$3\r\n\0\xff*\r\n", ["ECHO | \0\xff*"] },
        { "*0\r\n*-1\r\n*-10\r\n*1\r\n$4\r\nPING\r\n", ["PING"] },
        { "PING\r\n", ["PING"] },
        { "set a b\n", ["set | a | b"] },
        { "  set\t a   b  \r\n", ["set | a | b"] },
        { "\r\n\n \t\r\nPING\n", ["PING"] },
        { "SET k \"hello world\"\r\n", ["SET | k | hello world"] },
        { "SET k \"a\\nb\\r\\t\\b\\a\\\\\\\"\\x41\\x4a\\xzz\\q\"\n", ["SET | k | a\nb\r\t\b\a\\\"AJxzzq"] },
        { "SET k 'it\\'s' 'a\\nb' \"\"\n", ["SET | k | it's | a\\nb | "] },
        { "SET k foo\"bar baz\" x'y'\n", ["SET | k | foobar baz | xy"] },
        { "ECHO a\rb\n", ["ECHO | a | b"] },
        { "GET a\0b c\n", ["GET | a"] },
        { "SET k \"\\xff\"\r\n", ["SET | k | \xff"] },
        {
            "*1\r\n$4\r\nPING\r\nPING\r\n*2\r\n$3\r\nGET\r\n$1\r\nx\r\nset a b\n*0\r\n*1\r\n$4\r\nQUIT\r\n",
            ["PING", "PING", "GET | x", "set | a | b", "QUIT"]
        },
    };

    public static TheoryData<string, string> MalformedPayloads => new()
    {
        { "*abc\r\n", "Protocol error: invalid multibulk length" },
        { "*2000000\r\n", "Protocol error: invalid multibulk length" },
        { "*3000000000\r\n", "Protocol error: invalid multibulk length" },
        { "*-0\r\n", "Protocol error: invalid multibulk length" },
        { "*+1\r\n", "Protocol error: invalid multibulk length" },
        { "*01\r\n", "Protocol error: invalid multibulk length" },
        { "*\r\n", "Protocol error: invalid multibulk length" },
        { "*1\rX", "Protocol error: invalid multibulk length" },
        { "*3\r\n$3\r\nSET\r\n$1\r\nx\r\nfooz\r\n", "Protocol error: expected '$', got 'f'" },
        { "*1\r\n\r\n", "Protocol error: expected '$', got '\r'" },
        { "*1\r\n$-1\r\n", "Protocol error: invalid bulk length" },
        { "*1\r\n$abc\r\n", "Protocol error: invalid bulk length" },
        { "*1\r\n$1x\r\n", "Protocol error: invalid bulk length" },
        { "*1\r\n$1\rx", "Protocol error: invalid bulk length" },
        { "*1\r\n$3\r\nGETXX", "Protocol error: expected CRLF after bulk payload" },
        { "*1\r\n$3\r\nGET\rX", "Protocol error: expected CRLF after bulk payload" },
        { "SET \"a b\n", "Protocol error: unbalanced quotes in request" },
        { "SET 'a\r\n", "Protocol error: unbalanced quotes in request" },
        { "SET \"a\"b\n", "Protocol error: unbalanced quotes in request" },
        { "SET 'a'b\n", "Protocol error: unbalanced quotes in request" },
        { "SET \"a\\\"\n", "Protocol error: unbalanced quotes in request" },
        { "SET \"a\0\"\n", "Protocol error: unbalanced quotes in request" },
        { "PING\r\n*x\r\n", "Protocol error: invalid multibulk length" },
    };

    private static readonly RespLimits SmallLimits = new() { MaxArguments = 3, MaxBulkLength = 10, MaxInlineLength = 16 };

    public static TheoryData<string, string> MalformedPayloadsSmallLimits => new()
    {
        { "*4\r\n", "Protocol error: invalid multibulk length" },
        { "*1\r\n$11\r\n", "Protocol error: invalid bulk length" },
        { "*1111111111111111", "Protocol error: too big mbulk count string" },
        { "*1\r\n$111111111111111111", "Protocol error: too big bulk count string" },
        { "*1\r\nGET 1111111111111111111\r\n", "Protocol error: too big bulk count string" },
        { "*1\r\nGET 1\r\n", "Protocol error: expected '$', got 'G'" },
        { "AAAAAAAAAAAAAAAAA", "Protocol error: too big inline request" },
        { "AAAAAAAAAAAAAAAA\rX", "Protocol error: too big inline request" },
        { "AAAAAAAAAAAAAAAAA\n", "Protocol error: too big inline request" },
        { "PING\nAAAAAAAAAAAAAAAAAAAAAAAAA", "Protocol error: too big inline request" },
    };

    [Theory]
    [MemberData(nameof(ValidPayloads))]
    public void TryParse_ValidPayloadInAnyShape_ParsesSameCommands(string payload, string[] expected)
    {
        byte[] data = Bytes(payload);
        foreach ((string shape, ReadOnlySequence<byte> sequence) in AllShapes(data))
        {
            ReadOnlySequence<byte> buffer = sequence;
            List<string> commands = ParserDriver.ParseAll(ref buffer, new RequestParser());
            Assert.True(expected.SequenceEqual(commands), $"{shape}: got [{string.Join(", ", commands)}]");
            Assert.Equal(0, buffer.Length);
        }
    }

    [Theory]
    [MemberData(nameof(ValidPayloads))]
    public void TryParse_ValidPayloadArrivingInPieces_ParsesSameCommands(string payload, string[] expected)
    {
        byte[] data = Bytes(payload);
        for (int cut = 0; cut <= data.Length; cut++)
        {
            List<string> commands = ParserDriver.ParseIncrementally(data, new RequestParser(), [cut]);
            Assert.True(expected.SequenceEqual(commands), $"read split at {cut}: got [{string.Join(", ", commands)}]");
        }
        foreach (int readSize in new[] { 1, 2, 3, 7 })
        {
            List<string> commands = ParserDriver.ParseInReadsOf(data, new RequestParser(), readSize);
            Assert.True(expected.SequenceEqual(commands), $"reads of {readSize}: got [{string.Join(", ", commands)}]");
        }
    }

    [Theory]
    [InlineData("*1\r\n$4\r\nPING\r\n")]
    [InlineData("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n")]
    [InlineData("SET k \"v w\"\r\n")]
    [InlineData("PING\n")]
    public void TryParse_IncompleteCommand_ReturnsFalseAndConsumesNothing(string payload)
    {
        byte[] data = Bytes(payload);
        for (int length = 0; length < data.Length; length++)
        {
            byte[] prefix = data[..length];
            foreach ((string shape, ReadOnlySequence<byte> sequence) in AllShapes(prefix))
            {
                ReadOnlySequence<byte> buffer = sequence;
                var frame = new RequestFrame();
                Assert.False(new RequestParser().TryParse(ref buffer, frame), $"{length} bytes, {shape}");
                Assert.Equal(length, buffer.Length);
                Assert.Equal(0, frame.ArgCount);
            }
        }
    }

    [Fact]
    public void TryParse_EmptyCommandsBeforeIncompleteOne_ConsumesOnlyTheEmptyOnes()
    {
        ReadOnlySequence<byte> buffer = FromSegments(Bytes("\r\n*0\r\n"), Bytes("*-1\r\nPI"));
        var parser = new RequestParser();

        Assert.False(parser.TryParse(ref buffer, new RequestFrame()));

        Assert.Equal("PI", Text(buffer));
    }

    [Theory]
    [MemberData(nameof(MalformedPayloads))]
    public void TryParse_MalformedPayload_ThrowsRedisError(string payload, string message) =>
        AssertMalformed(payload, message, RespLimits.Default);

    [Theory]
    [MemberData(nameof(MalformedPayloadsSmallLimits))]
    public void TryParse_PayloadOverLimits_ThrowsRedisError(string payload, string message) =>
        AssertMalformed(payload, message, SmallLimits);

    [Theory]
    [InlineData("*11\r\n", "Protocol error: unauthenticated multibulk length")]
    [InlineData("*2\r\n$4\r\nAUTH\r\n$16385\r\n", "Protocol error: unauthenticated bulk length")]
    public void TryParse_UnauthenticatedOverRedisLimits_ThrowsRedisError(string payload, string message) =>
        AssertMalformed(payload, message, () => new RequestParser { Unauthenticated = true });

    [Fact]
    public void TryParse_UnauthenticatedAtLimits_Parses()
    {
        string payload = ParserDriver.Encode(["AUTH", "user", new string('p', RequestParser.UnauthenticatedMaxBulkLength), .. Enumerable.Repeat("x", 7)]);
        ReadOnlySequence<byte> buffer = new(Bytes(payload));
        Assert.Single(ParserDriver.ParseAll(ref buffer, new RequestParser { Unauthenticated = true }));
    }

    [Theory]
    [InlineData("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\n0123456789\r\n")]
    [InlineData("AAAAAAAAAAAAAAAA\n")]
    [InlineData("AAAAAAAAAAAAAAA\r\n")]
    [InlineData("*1\r\n$1\r\nA\r\n")]
    public void TryParse_PayloadAtLimits_Parses(string payload)
    {
        ReadOnlySequence<byte> buffer = new(Bytes(payload));
        Assert.Single(ParserDriver.ParseAll(ref buffer, new RequestParser(SmallLimits)));
        Assert.Equal(0, buffer.Length);
    }

    [Fact]
    public void TryParse_LargeValueInSmallReads_ParsesOnceComplete()
    {
        string value = new('v', 4 * 1024 * 1024);
        byte[] data = Bytes(ParserDriver.Encode("SET", "key", value) + "*1\r\n$4\r\nPING\r\n");

        List<string> commands = ParserDriver.ParseInReadsOf(data, new RequestParser(), 64 * 1024);

        Assert.Equal([$"SET | key | {value}", "PING"], commands);
    }

    [Fact]
    public void TryParse_ManyArgumentsInSmallReads_ParsesAllArguments()
    {
        const int keys = 50_000;
        string[] args = ["MSET", .. Enumerable.Range(0, keys * 2).Select(i => $"k{i}")];
        byte[] data = Bytes(ParserDriver.Encode(args));

        List<string> commands = ParserDriver.ParseInReadsOf(data, new RequestParser(), 1024);

        Assert.Equal(string.Join(" | ", args), Assert.Single(commands));
    }

    [Fact]
    public void TryParse_ResetAfterIncompleteCommand_StartsFresh()
    {
        var parser = new RequestParser();
        ReadOnlySequence<byte> bad = new(Bytes("*1\r\n$3\r\nGE"));
        Assert.False(parser.TryParse(ref bad, new RequestFrame()));
        parser.Reset();
        ReadOnlySequence<byte> good = new(Bytes("PING\n"));

        Assert.Equal(["PING"], ParserDriver.ParseAll(ref good, parser));
    }

    [Fact]
    public void TryParse_InlineCommand_ReencodesAsMultibulk()
    {
        ReadOnlySequence<byte> buffer = new(Bytes("set k \"a b\"\r\n"));
        var frame = new RequestFrame();

        Assert.True(new RequestParser().TryParse(ref buffer, frame));

        Assert.Equal("*3\r\n$3\r\nset\r\n$1\r\nk\r\n$3\r\na b\r\n", Text(frame.Bytes));
    }

    /// <summary>
    /// Edge cases for the one-pass path a whole command in one segment takes: just inside and just outside what it
    /// accepts itself (digit counts, leading zeros, empty values, the limits), valid and malformed.
    /// </summary>
    public static TheoryData<string> ContiguousEdgePayloads => new()
    {
        "*1\r\n$0\r\n\r\n",
        "*2\r\n$3\r\nGET\r\n$9\r\n123456789\r\n",
        "*1\r\n$10\r\n0123456789\r\n",
        "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$11\r\n01234567890\r\n",
        "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n",
        "*1\r\n$1000000000\r\n",
        "*1\r\n$123456789\r\n",
        "*1\r\n$01\r\nA\r\n",
        "*1\r\n$1\r\nAB\r\n",
        "*1\r\n$1\r\nA\n\r",
        "*1\r\n$1\n\nA\r\n",
        "*1\n\n$1\r\nA\r\n",
        "*1\r\n$2\r\nA\r\n",
        "*1\r\n*1\r\nA\r\n",
        "*2\r\n$1\r\nA\r\n",
        "*0\r\n*1\r\n$4\r\nPING\r\n",
        "*1000000000\r\n",
        "*1\r\n$1\r\nA\r\n*1\r\n$1\r\nB\r\n",
    };

    [Theory]
    [MemberData(nameof(ContiguousEdgePayloads))]
    public void TryParse_WholeCommandInOneSegment_SameOutcomeAsOneBytePerSegment(string payload)
    {
        byte[] data = Bytes(payload);
        foreach (RespLimits limits in new[] { RespLimits.Default, SmallLimits })
        {
            Assert.Equal(Outcome(new ReadOnlySequence<byte>(data), limits), Outcome(OneBytePerSegment(data), limits));
        }
    }

    /// <summary>The commands parsed, then how parsing stopped: the error, or how many bytes were left waiting.</summary>
    private static string Outcome(ReadOnlySequence<byte> buffer, RespLimits limits)
    {
        var commands = new List<string>();
        try
        {
            commands.AddRange(ParserDriver.ParseAll(ref buffer, new RequestParser(limits)));
            return string.Join(" / ", commands) + $" (waiting: {buffer.Length})";
        }
        catch (RespProtocolException ex)
        {
            return string.Join(" / ", commands) + $" (error: {ex.Message})";
        }
    }

    private static void AssertMalformed(string payload, string message, RespLimits limits) =>
        AssertMalformed(payload, message, () => new RequestParser(limits));

    private static void AssertMalformed(string payload, string message, Func<RequestParser> create)
    {
        byte[] data = Bytes(payload);
        foreach ((string shape, ReadOnlySequence<byte> sequence) in AllShapes(data))
        {
            ReadOnlySequence<byte> buffer = sequence;
            var error = Assert.Throws<RespProtocolException>(() => ParserDriver.ParseAll(ref buffer, create()));
            Assert.True(message == error.Message, $"{shape}: got '{error.Message}'");
        }
        foreach (int readSize in new[] { 1, 3 })
        {
            var error = Assert.Throws<RespProtocolException>(
                () => ParserDriver.ParseInReadsOf(data, create(), readSize));
            Assert.True(message == error.Message, $"reads of {readSize}: got '{error.Message}'");
        }
    }
}
