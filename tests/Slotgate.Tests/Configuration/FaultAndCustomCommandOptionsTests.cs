namespace Slotgate.Tests.Configuration;

public class FaultAndCustomCommandOptionsTests
{
    private static SlotgateConfigLoadResult LoadYaml(string yaml)
    {
        string file = Path.Combine(Path.GetTempPath(), $"slotgate-faults-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, yaml);
        try
        {
            return SlotgateConfiguration.Load(["--config", file], new Dictionary<string, string?>());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Load_FaultsAndCustomCommands_ReadInOrder()
    {
        var result = LoadYaml("""
            cluster: { seeds: ["127.0.0.1:7001"] }
            routing:
              customCommands: [JSON.GET, BF.ADD]
            faults:
              - type: Error
                percent: 12.5
                commands: [GET, "CONFIG GET"]
              - type: delay
                percent: 100%
                delay: 150ms
            """);

        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        Assert.Equal(["JSON.GET", "BF.ADD"], result.Options.Routing.CustomCommands);
        Assert.Equal(2, result.Options.Faults.Count);
        Assert.Equal(("error", 12.5), (result.Options.Faults[0].Type, result.Options.Faults[0].Percent));
        Assert.Equal(["GET", "CONFIG GET"], result.Options.Faults[0].Commands);
        Assert.Equal(("delay", 100.0, TimeSpan.FromMilliseconds(150)), (result.Options.Faults[1].Type, result.Options.Faults[1].Percent, result.Options.Faults[1].Delay));
    }

    [Fact]
    public void Load_BadFaults_EveryErrorWithItsPath()
    {
        var result = LoadYaml("""
            cluster: { seeds: ["127.0.0.1:7001"] }
            routing:
              customCommands: [GET, "bad name", X.Y, x.y]
            faults:
              - type: explode
                percent: 120
              - type: delay
                percent: abc
                commands: [AUTH, ping]
                dleay: 1s
            """);

        Assert.False(result.Succeeded);
        Assert.Contains("routing.customCommands[0]: 'GET' is a Redis command Slotgate already routes", result.Errors);
        Assert.Contains("routing.customCommands[1]: 'bad name' is not a command name", result.Errors);
        Assert.Contains("routing.customCommands[3]: 'x.y' is listed twice", result.Errors);
        Assert.Contains("faults[0].type: must be one of error, delay, got 'explode'", result.Errors);
        Assert.Contains("faults[0].percent: must be between 0 and 100, got 120", result.Errors);
        Assert.Contains(result.Errors, e => e.StartsWith("faults[1].percent: 'abc' is not a number from 0 to 100", StringComparison.Ordinal));
        Assert.Contains("faults[1].commands[0]: faults are never applied to AUTH", result.Errors);
        Assert.Contains("faults[1].commands[1]: faults are never applied to PING", result.Errors);
        Assert.Contains("faults[1].delay: a delay fault needs a delay greater than 0", result.Errors);
        Assert.Contains(result.Errors, e => e.StartsWith("faults[1].dleay: unknown key (did you mean 'delay'?)", StringComparison.Ordinal));
    }

    [Fact]
    public void Render_FaultsAndCustomCommands_LoadBackTheSame()
    {
        var options = new SlotgateOptions
        {
            Cluster = new ClusterOptions { Seeds = ["127.0.0.1:7001"] },
            Routing = new RoutingOptions { CustomCommands = ["JSON.GET"] },
            Faults = [new FaultOptions { Type = "delay", Percent = 0.5, Delay = TimeSpan.FromMilliseconds(20), Commands = ["GET"] }],
        };

        var result = LoadYaml(SlotgateConfiguration.Render(options));

        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        Assert.Equal(["JSON.GET"], result.Options.Routing.CustomCommands);
        FaultOptions fault = Assert.Single(result.Options.Faults);
        Assert.Equal(("delay", 0.5, TimeSpan.FromMilliseconds(20)), (fault.Type, fault.Percent, fault.Delay));
        Assert.Equal(["GET"], fault.Commands);
    }

    [Fact]
    public void Defaults_NoFaultsNoCustomCommands()
    {
        Assert.Empty(new SlotgateOptions().Faults);
        Assert.Empty(new SlotgateOptions().Routing.CustomCommands);
    }
}
