namespace Slotgate.Tests.Configuration;

public class ConfigValueParserTests
{
    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("5s", 5_000)]
    [InlineData("5S", 5_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("0s", 0)]
    [InlineData("00:00:05", 5_000)]
    [InlineData("01:02:03", 3_723_000)]
    [InlineData("00:00:00.250", 250)]
    [InlineData(" 10s ", 10_000)]
    public void TryParseDuration_ValidForm_ReturnsValue(string text, long milliseconds)
    {
        Assert.True(ConfigValueParser.TryParseDuration(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Fact]
    public void TryParseDuration_Microseconds_ReturnsValue()
    {
        Assert.True(ConfigValueParser.TryParseDuration("1500us", out var value));
        Assert.Equal(TimeSpan.FromMicroseconds(1500), value);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("5x")]
    [InlineData("-5s")]
    [InlineData("5 s")]
    [InlineData("1.2.3s")]
    [InlineData("-00:00:05")]
    [InlineData("99999999999d")]
    public void TryParseDuration_InvalidForm_ReturnsFalse(string text) =>
        Assert.False(ConfigValueParser.TryParseDuration(text, out _));

    [Theory]
    [InlineData("10s")]
    [InlineData("250ms")]
    [InlineData("1m30s")]
    [InlineData("1d2h3m4s5ms")]
    [InlineData("1ms500us")]
    [InlineData("0s")]
    public void FormatDuration_Value_RoundTrips(string text)
    {
        Assert.True(ConfigValueParser.TryParseDuration(text, out var value));
        Assert.Equal(text, ConfigValueParser.FormatDuration(value));
    }

    [Theory]
    [InlineData("65536", 65536)]
    [InlineData("100b", 100)]
    [InlineData("1k", 1000)]
    [InlineData("64kb", 65536)]
    [InlineData("64KB", 65536)]
    [InlineData("64kib", 65536)]
    [InlineData("1m", 1_000_000)]
    [InlineData("512mb", 536870912)]
    [InlineData("1g", 1_000_000_000)]
    [InlineData("1gb", 1073741824)]
    [InlineData("2 mb", 2097152)]
    public void TryParseSize_ValidForm_ReturnsBytes(string text, long bytes)
    {
        Assert.True(ConfigValueParser.TryParseSize(text, out var value));
        Assert.Equal(bytes, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("mb")]
    [InlineData("-1")]
    [InlineData("1.5mb")]
    [InlineData("12tb")]
    [InlineData("9999999999999gb")]
    public void TryParseSize_InvalidForm_ReturnsFalse(string text) =>
        Assert.False(ConfigValueParser.TryParseSize(text, out _));

    [Theory]
    [InlineData(536870912, "512mb")]
    [InlineData(65536, "64kb")]
    [InlineData(1073741824, "1gb")]
    [InlineData(1000, "1000")]
    public void FormatSize_Value_UsesLargestExactUnit(long bytes, string text) =>
        Assert.Equal(text, ConfigValueParser.FormatSize(bytes));

    [Theory]
    [InlineData("true", true)]
    [InlineData("False", false)]
    [InlineData("yes", true)]
    [InlineData("off", false)]
    [InlineData("1", true)]
    public void TryParseBool_KnownWord_ReturnsValue(string text, bool expected)
    {
        Assert.True(ConfigValueParser.TryParseBool(text, out var value));
        Assert.Equal(expected, value);
    }
}
