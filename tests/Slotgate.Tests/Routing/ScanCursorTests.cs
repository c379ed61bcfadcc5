using System.Globalization;
using Slotgate.Routing;

namespace Slotgate.Tests.Routing;

public class ScanCursorTests
{
    [Theory]
    [InlineData(0UL, 0, false, (ushort)1)]
    [InlineData(12345UL, 7, true, (ushort)0xBEEF)]
    [InlineData(ScanCursor.MaxNodeCursor, ScanCursor.MaxShards - 1, true, ushort.MaxValue)]
    public void Encode_AnyPosition_ParsesBackIdentical(ulong nodeCursor, int shard, bool repeat, ushort token)
    {
        var cursor = new ScanCursor(nodeCursor, shard, repeat, token);
        ulong encoded = cursor.Encode();

        Assert.NotEqual(0UL, encoded);
        Assert.True(encoded <= long.MaxValue, "cursor must fit a signed 64-bit integer");
        Assert.True(ScanCursor.TryParse(Encoding.ASCII.GetBytes(encoded.ToString(CultureInfo.InvariantCulture)), out ScanCursor parsed));
        Assert.Equal(cursor, parsed);
    }

    [Fact]
    public void TryParse_Zero_IsStart()
    {
        Assert.True(ScanCursor.TryParse("0"u8, out ScanCursor cursor));
        Assert.True(cursor.IsStart);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData("1.5")]
    [InlineData("18446744073709551616")]
    [InlineData("9223372036854775808")]
    [InlineData("17")]
    public void TryParse_NotACursorSlotgateIssued_ReturnsFalse(string text)
    {
        Assert.False(ScanCursor.TryParse(Encoding.ASCII.GetBytes(text), out _));
    }

    [Fact]
    public void Encode_NodeCursorTooLarge_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new ScanCursor(ScanCursor.MaxNodeCursor + 1, 0, false, 1).Encode());
    }
}
