using static Slotgate.Tests.Protocol.Sequences;

namespace Slotgate.Tests.Protocol;

public class RespNumberTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("7", 7)]
    [InlineData("-1", -1)]
    [InlineData("123456789", 123456789)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    public void TryParseInt64_CanonicalNumber_Parses(string text, long expected)
    {
        Assert.True(RespNumber.TryParseInt64(Bytes(text), out long value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-")]
    [InlineData("-0")]
    [InlineData("+1")]
    [InlineData("01")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1a")]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    [InlineData("18446744073709551616")]
    [InlineData("100000000000000000000")]
    public void TryParseInt64_NonCanonicalOrOverflowing_Fails(string text) =>
        Assert.False(RespNumber.TryParseInt64(Bytes(text), out _));
}
