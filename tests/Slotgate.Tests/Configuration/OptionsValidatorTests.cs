namespace Slotgate.Tests.Configuration;

public class OptionsValidatorTests
{
    private static readonly SlotgateOptions Valid = new() { Cluster = new ClusterOptions { Seeds = ["127.0.0.1:7000"] } };

    [Fact]
    public void Validate_DefaultsWithSeed_NoErrors() => Assert.Empty(SlotgateConfiguration.Validate(Valid));

    [Fact]
    public void Validate_EveryRangeViolated_ReportsAll()
    {
        var options = new SlotgateOptions
        {
            Listen = [],
            Cluster = new ClusterOptions
            {
                Seeds = [],
                RefreshInterval = TimeSpan.FromSeconds(1),
                RefreshMinInterval = TimeSpan.FromSeconds(2),
                Username = "proxy",
            },
            Backend = new BackendOptions
            {
                ConnectionsPerNode = 65,
                ConnectTimeout = TimeSpan.Zero,
                OperationTimeout = TimeSpan.FromSeconds(-1),
                ReconnectBackoffMin = TimeSpan.Zero,
            },
            Routing = new RoutingOptions { MaxRedirects = -1, TryAgainDelay = TimeSpan.FromMilliseconds(-1) },
            Limits = new LimitsOptions { MaxBulkLength = 0, MaxArguments = 0, MaxInlineLength = 0, MaxPendingCommandsPerClient = 0 },
            Logging = new LoggingOptions { LogLevel = "Loud" },
        };

        var errors = SlotgateConfiguration.Validate(options);

        string[] expected =
        [
            "listen: at least one address is required (--listen host:port)",
            "cluster.seeds: at least one seed is required (--seed host:port)",
            "cluster.refreshMinInterval: must not exceed cluster.refreshInterval (1s), got 2s",
            "cluster.password: required when cluster.username is set",
            "backend.connectionsPerNode: must be between 1 and 64, got 65",
            "backend.connectTimeout: must be greater than 0, got 0s",
            "backend.operationTimeout: must be greater than 0, got -00:00:01",
            "backend.reconnectBackoffMin: must be greater than 0, got 0s",
            "routing.maxRedirects: must be between 0 and 100, got -1",
            "routing.tryAgainDelay: must not be negative, got -00:00:00.0010000",
            "limits.maxBulkLength: must be at least 1, got 0",
            "limits.maxArguments: must be at least 1, got 0",
            "limits.maxInlineLength: must be at least 1, got 0",
            "limits.maxPendingCommandsPerClient: must be at least 1, got 0",
            "logging.logLevel: 'Loud' is not one of Trace, Debug, Information, Warning, Error, Critical, None",
        ];
        Assert.Equal(expected, errors);
    }

    [Fact]
    public void Validate_BadAndDuplicateEndpoints_ReportsEachIndex()
    {
        var options = Valid with
        {
            Listen = ["0.0.0.0:7000", "0.0.0.0:7000", "[::1]:7000", "nope"],
            Cluster = Valid.Cluster with { Seeds = ["a:1", "redis-0:70x0", "b:0"] },
        };

        var errors = SlotgateConfiguration.Validate(options);

        Assert.Equal(4, errors.Count);
        Assert.Equal("listen[1]: '0.0.0.0:7000' is listed twice", errors[0]);
        Assert.StartsWith("listen[3]: 'nope' is not host:port", errors[1], StringComparison.Ordinal);
        Assert.StartsWith("cluster.seeds[1]: 'redis-0:70x0' is not host:port", errors[2], StringComparison.Ordinal);
        Assert.Equal("cluster.seeds[2]: 'b:0' has port 0, which no Redis node listens on", errors[3]);
    }

    [Fact]
    public void Validate_IPv6Endpoints_Accepted()
    {
        var options = Valid with
        {
            Listen = ["[::]:7000"],
            Cluster = Valid.Cluster with { Seeds = ["[::1]:30001", "[fe80::1%2]:30002"] },
        };
        Assert.Empty(SlotgateConfiguration.Validate(options));
    }
}
