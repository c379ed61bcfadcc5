using Slotgate.Security;

namespace Slotgate.Tests.Security;

public class GlobPatternTests
{
    [Theory]
    [InlineData("*", "", true)]
    [InlineData("*", "anything", true)]
    [InlineData("app:*", "app:", true)]
    [InlineData("app:*", "app:users:1", true)]
    [InlineData("app:*", "ap", false)]
    [InlineData("app:*", "other:1", false)]
    [InlineData("h?llo", "hello", true)]
    [InlineData("h?llo", "hllo", false)]
    [InlineData("h[ae]llo", "hallo", true)]
    [InlineData("h[ae]llo", "hillo", false)]
    [InlineData("h[^e]llo", "hallo", true)]
    [InlineData("h[^e]llo", "hello", false)]
    [InlineData("h[a-c]llo", "hbllo", true)]
    [InlineData("h[a-c]llo", "hdllo", false)]
    [InlineData("a\\*b", "a*b", true)]
    [InlineData("a\\*b", "axb", false)]
    [InlineData("*:*:end", "a:b:c:end", true)]
    [InlineData("*:*:end", "a:end", false)]
    [InlineData("a*b*c", "aXbYbZc", true)]
    [InlineData("a*b*c", "aXbYbZ", false)]
    [InlineData("news.*", "news.", true)]
    [InlineData("", "", true)]
    [InlineData("", "a", false)]
    [InlineData("App:*", "app:1", false)]
    public void Matches_RedisGlob_SameAsRedis(string pattern, string text, bool expected)
    {
        Assert.Equal(expected, GlobPattern.Matches(Encoding.UTF8.GetBytes(pattern), Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void Matches_ManyStarsAgainstLongMiss_FinishesQuickly()
    {
        byte[] pattern = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("a*", 50)) + "b");
        byte[] text = Encoding.ASCII.GetBytes(new string('a', 20_000));
        Assert.False(GlobPattern.Matches(pattern, text));
    }
}
