namespace Slotgate.Tests.Configuration;

public class AdminOptionsTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = [];

    [Fact]
    public void Options_New_AdminAndDiagnosticsDefaults()
    {
        var options = new SlotgateOptions();
        Assert.Equal("127.0.0.1:9090", options.Admin.Listen);
        Assert.True(options.Admin.Enabled);
        Assert.Null(options.Admin.Password);
        Assert.Equal(TimeSpan.FromMilliseconds(10), options.Diagnostics.SlowlogThreshold);
        Assert.Equal(128, options.Diagnostics.SlowlogMaxLength);
        Assert.False(options.Diagnostics.AccessLog);
        Assert.Equal(0.01, options.Diagnostics.AccessLogSampleRate);
    }

    [Fact]
    public void Load_AdminAndDiagnosticsFromFlagsAndEnvironment_Read()
    {
        var environment = new Dictionary<string, string?> { ["SLOTGATE_ADMIN__PASSWORD"] = "pw" };
        var result = SlotgateConfiguration.Load(
            ["--seed", "a:1", "--admin:listen=0.0.0.0:9191", "--admin:username=ops", "--admin:token=t",
             "--diagnostics:slowlogThreshold=2ms", "--diagnostics:accessLog=true", "--diagnostics:accessLogSampleRate=0.5"], environment);
        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        SlotgateOptions options = result.Options!;
        Assert.Equal("0.0.0.0:9191", options.Admin.Listen);
        Assert.Equal("ops", options.Admin.Username);
        Assert.Equal("pw", options.Admin.Password);
        Assert.Equal("t", options.Admin.Token);
        Assert.Equal(TimeSpan.FromMilliseconds(2), options.Diagnostics.SlowlogThreshold);
        Assert.True(options.Diagnostics.AccessLog);
        Assert.Equal(0.5, options.Diagnostics.AccessLogSampleRate);
    }

    [Theory]
    [InlineData("off")]
    [InlineData("OFF")]
    [InlineData("")]
    public void Load_AdminListenOffOrEmpty_Disabled(string value)
    {
        var result = SlotgateConfiguration.Load(["--seed", "a:1", $"--admin:listen={value}"], NoEnvironment);
        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        Assert.False(result.Options!.Admin.Enabled);
        Assert.Contains("admin:\n  listen: \"off\"", OptionsRenderer.Render(result.Options), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_BadAdminAndDiagnostics_EveryErrorNamed()
    {
        var options = new SlotgateOptions
        {
            Cluster = new ClusterOptions { Seeds = ["a:1"] },
            Listen = ["127.0.0.1:7000"],
            Admin = new AdminOptions { Listen = "127.0.0.1:7000", Username = "ops" },
            Diagnostics = new DiagnosticsOptions { SlowlogMaxLength = -1, AccessLogSampleRate = 2, SlowlogThreshold = TimeSpan.FromSeconds(-1) },
        };
        IReadOnlyList<string> errors = SlotgateConfiguration.Validate(options);
        Assert.Contains("admin.listen: '127.0.0.1:7000' is also a RESP listen address", errors);
        Assert.Contains("admin.password: admin.username and admin.password go together", errors);
        Assert.Contains("diagnostics.slowlogMaxLength: must not be negative, got -1", errors);
        Assert.Contains("diagnostics.accessLogSampleRate: must be between 0 and 1, got 2", errors);
        Assert.Contains(errors, e => e.StartsWith("diagnostics.slowlogThreshold: must not be negative", StringComparison.Ordinal));
        Assert.Contains(SlotgateConfiguration.Validate(options with { Admin = new AdminOptions { Listen = "nowhere" } }),
            e => e.StartsWith("admin.listen: 'nowhere'", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_AdminSecrets_MaskedAndRestLoadsBack()
    {
        var options = new SlotgateOptions
        {
            Cluster = new ClusterOptions { Seeds = ["a:1"] },
            Admin = new AdminOptions { Listen = "127.0.0.1:9191", Username = "ops", Password = "secret", Token = "tok" },
            Diagnostics = new DiagnosticsOptions { SlowlogThreshold = TimeSpan.FromMilliseconds(5), AccessLog = true, AccessLogSampleRate = 0.25 },
        };
        string yaml = OptionsRenderer.Render(options);
        Assert.DoesNotContain("secret", yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("tok\"", yaml, StringComparison.Ordinal);
        string file = Path.Combine(Path.GetTempPath(), $"slotgate-admin-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, yaml);
        try
        {
            var loaded = SlotgateConfiguration.Load(["--config", file], NoEnvironment);
            Assert.True(loaded.Succeeded, string.Join('\n', loaded.Errors));
            Assert.Equal(options.Diagnostics, loaded.Options!.Diagnostics);
            Assert.Equal("127.0.0.1:9191", loaded.Options.Admin.Listen);
            Assert.Equal("***", loaded.Options.Admin.Password);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
