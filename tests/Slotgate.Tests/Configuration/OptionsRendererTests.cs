namespace Slotgate.Tests.Configuration;

public class OptionsRendererTests
{
    private static readonly SlotgateOptions WithSecret = new()
    {
        Listen = ["[::]:7000"],
        Cluster = new ClusterOptions { Seeds = ["redis-0:6379", "[::1]:6380"], Username = "proxy", Password = "hunter2" },
        Limits = new LimitsOptions { MaxBulkLength = 1000 },
    };

    [Fact]
    public void Render_Password_MaskedNeverShown()
    {
        var text = SlotgateConfiguration.Render(WithSecret);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.Contains("  password: \"***\"\n", text, StringComparison.Ordinal);
        Assert.Contains("  username: \"proxy\"\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NoPassword_ShowsEmptyValue()
    {
        var text = SlotgateConfiguration.Render(new SlotgateOptions());
        Assert.Contains("  password:\n", text, StringComparison.Ordinal);
        Assert.Contains("  seeds: []\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Defaults_UsesReadableUnits()
    {
        var text = SlotgateConfiguration.Render(new SlotgateOptions());
        Assert.Contains("  refreshInterval: 10s\n", text, StringComparison.Ordinal);
        Assert.Contains("  refreshMinInterval: 250ms\n", text, StringComparison.Ordinal);
        Assert.Contains("  maxBulkLength: 512mb\n", text, StringComparison.Ordinal);
        Assert.Contains("  maxInlineLength: 64kb\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_LoadedBack_GivesSameOptionsExceptSecret()
    {
        using var file = new TempYamlFile(SlotgateConfiguration.Render(WithSecret));

        var result = SlotgateConfiguration.Load(["-c", file.Path], new Dictionary<string, string?>());

        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        var loaded = result.Options;
        // Lists are compared by content here: record equality compares list references.
        Assert.Equal(WithSecret.Listen, loaded.Listen);
        Assert.Equal(WithSecret.Cluster.Seeds, loaded.Cluster.Seeds);
        Assert.Equal(WithSecret.Cluster with { Seeds = loaded.Cluster.Seeds, Password = SlotgateConfiguration.SecretMask }, loaded.Cluster);
        Assert.Equal(WithSecret.Backend, loaded.Backend);
        Assert.Equal(WithSecret.Routing, loaded.Routing);
        Assert.Equal(WithSecret.Limits, loaded.Limits);
        Assert.Equal(WithSecret.Logging, loaded.Logging);
    }

    [Fact]
    public void ToString_WithPassword_MasksIt()
    {
        var text = WithSecret.ToString();
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.Contains("Password = ***", text, StringComparison.Ordinal);
        Assert.Contains("Seeds = [redis-0:6379, [::1]:6380]", text, StringComparison.Ordinal);
    }
}
