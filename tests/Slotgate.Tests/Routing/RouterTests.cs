using Slotgate.Routing;

namespace Slotgate.Tests.Routing;

public class RouterTests
{
    [Theory]
    [InlineData("-MOVED 3999 127.0.0.1:6381\r\n", 3999, "127.0.0.1:6381")]
    [InlineData("-ASK 0 10.0.0.2:7000\r\n", 0, "10.0.0.2:7000")]
    [InlineData("-MOVED 16383 [::1]:7000\r\n", 16383, "[::1]:7000")]
    [InlineData("-MOVED 12 :7001\r\n", 12, "127.0.0.9:7001")]
    public void TryParseRedirect_ValidLine_ReturnsSlotAndEndpoint(string line, int slot, string endpoint)
    {
        Assert.True(Router.TryParseRedirect(System.Text.Encoding.ASCII.GetBytes(line), "127.0.0.9:7000", out int parsedSlot, out string parsedEndpoint));
        Assert.Equal(slot, parsedSlot);
        Assert.Equal(endpoint, parsedEndpoint);
    }

    [Theory]
    [InlineData("-MOVED\r\n")]
    [InlineData("-MOVED x 127.0.0.1:1\r\n")]
    [InlineData("-MOVED 16384 127.0.0.1:1\r\n")]
    [InlineData("-MOVED 5 nohostport\r\n")]
    public void TryParseRedirect_Malformed_ReturnsFalse(string line)
    {
        Assert.False(Router.TryParseRedirect(System.Text.Encoding.ASCII.GetBytes(line), null, out _, out _));
    }
}
