namespace Slotgate.Tests.Cluster;

public class HashSlotTests
{
    [Fact]
    public void Crc16_SpecVector_Returns0x31C3()
    {
        // The Redis Cluster specification's reference output for CRC16/XMODEM.
        Assert.Equal(0x31C3, HashSlot.Crc16("123456789"u8));
    }

    [Fact]
    public void Crc16_EveryLengthAndAlignment_SameAsOneByteAtATime()
    {
        // The four-bytes-at-a-time form, against the specification's byte-at-a-time one: every length up to 64 (all
        // tails 0-3 after whole words), at every start within a word, on random bytes and on all-0xFF.
        var random = new Random(16384);
        byte[] data = new byte[68];
        for (int pass = 0; pass < 20; pass++)
        {
            if (pass == 0)
            {
                Array.Fill(data, (byte)0xFF);
            }
            else
            {
                random.NextBytes(data);
            }
            for (int start = 0; start < 4; start++)
            {
                for (int length = 0; length <= 64; length++)
                {
                    ReadOnlySpan<byte> slice = data.AsSpan(start, length);
                    Assert.Equal(HashSlot.Crc16Bytewise(slice), HashSlot.Crc16(slice));
                }
            }
        }
    }

    [Theory]
    [InlineData("foo", 12182)]
    [InlineData("bar", 5061)]
    [InlineData("hello", 866)]
    [InlineData("", 0)]
    public void Of_PlainKey_MatchesRedisKeyslot(string key, int slot)
    {
        Assert.Equal(slot, HashSlot.Of(Encoding.UTF8.GetBytes(key)));
    }

    [Theory]
    [InlineData("{user1000}.following", "user1000")]
    [InlineData("{user1000}.followers", "user1000")]
    [InlineData("foo{bar}{zap}", "bar")]
    [InlineData("foo{{bar}}zap", "{bar")]
    [InlineData("a{b}c{d}", "b")]
    public void Of_HashTag_HashesOnlyTheTag(string key, string tag)
    {
        Assert.Equal(HashSlot.Of(Encoding.UTF8.GetBytes(tag)), HashSlot.Of(Encoding.UTF8.GetBytes(key)));
    }

    [Theory]
    [InlineData("foo{}{bar}")]
    [InlineData("{}")]
    [InlineData("foo{bar")]
    [InlineData("foo}bar{")]
    public void Of_EmptyOrUnclosedTag_HashesWholeKey(string key)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(key);
        Assert.Equal(HashSlot.Crc16(bytes) & 16383, HashSlot.Of(bytes));
    }

    [Fact]
    public void Combine_SameAndDifferentSlots_ReturnsSlotOrMultiple()
    {
        Assert.Equal(5, HashSlot.Combine(HashSlot.None, 5));
        Assert.Equal(5, HashSlot.Combine(5, 5));
        Assert.Equal(HashSlot.Multiple, HashSlot.Combine(5, 6));
        Assert.Equal(HashSlot.Multiple, HashSlot.Combine(HashSlot.Multiple, 6));
        Assert.Equal(5, HashSlot.Combine(5, HashSlot.None));
        Assert.Equal(HashSlot.None, HashSlot.Combine(HashSlot.None, HashSlot.None));
    }
}
