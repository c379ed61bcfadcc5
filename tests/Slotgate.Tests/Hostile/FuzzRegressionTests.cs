using System.Buffers;
using Slotgate.Tests.Protocol;

namespace Slotgate.Tests.Hostile;

/// <summary>Inputs the fuzzer (tests/Slotgate.Fuzz) found breaking an invariant, kept so the bugs stay fixed.</summary>
public class FuzzRegressionTests
{
    // A bulk length near long.MaxValue made "length + 2" overflow, so the "not enough bytes" check passed and
    // SequenceReader.Advance threw ArgumentOutOfRangeException instead of waiting for more bytes.
    [Theory]
    [InlineData("$9223372036854775806\r\n\n")]
    [InlineData("$9223372036854775807\r\n")]
    [InlineData("*2\r\n:1\r\n!9223372036854775807\r\nabc")]
    [InlineData("=9223372036854775806\r\n")]
    public void TrySkipValue_BulkLengthNearInt64Max_NeedsMoreBytes(string reply)
    {
        foreach ((string shape, ReadOnlySequence<byte> sequence) in Sequences.AllShapes(Sequences.Bytes(reply)))
        {
            var reader = new SequenceReader<byte>(sequence);
            Assert.False(RespScanner.TrySkipValue(ref reader), shape);
            Assert.Equal(0, reader.Consumed);
        }
    }

    [Fact]
    public void TryParse_BulkLengthNearInt64MaxWithUnboundedLimit_NeedsMoreBytes()
    {
        var parser = new RequestParser(new RespLimits { MaxBulkLength = long.MaxValue });
        byte[] input = Sequences.Bytes("*1\r\n$9223372036854775807\r\nabc");
        var buffer = new ReadOnlySequence<byte>(input);

        Assert.False(parser.TryParse(ref buffer, new RequestFrame()));
        Assert.Equal(input.Length, buffer.Length);
    }
}
