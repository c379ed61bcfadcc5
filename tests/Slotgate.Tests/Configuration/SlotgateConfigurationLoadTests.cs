namespace Slotgate.Tests.Configuration;

public class SlotgateConfigurationLoadTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = [];

    private static SlotgateConfigLoadResult Load(string[] args, Dictionary<string, string?>? environment = null) =>
        SlotgateConfiguration.Load(args, environment ?? NoEnvironment);

    private static SlotgateOptions LoadOk(string[] args, Dictionary<string, string?>? environment = null)
    {
        var result = Load(args, environment);
        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        return result.Options;
    }

    [Fact]
    public void Options_New_HasDocumentedDefaults()
    {
        var options = new SlotgateOptions();
        Assert.Equal(["0.0.0.0:7000"], options.Listen);
        Assert.Empty(options.Cluster.Seeds);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Cluster.RefreshInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.Cluster.RefreshMinInterval);
        Assert.Null(options.Cluster.Username);
        Assert.Null(options.Cluster.Password);
        Assert.Null(options.Backend.ConnectionsPerNode);
        Assert.Equal(1, options.Backend.EffectiveConnectionsPerNode(new IoOptions { EventLoops = 1 }, clusterTls: false));
        Assert.Equal(4, options.Backend.EffectiveConnectionsPerNode(new IoOptions { EventLoops = 4 }, clusterTls: false));
        Assert.Equal(2, options.Backend.EffectiveConnectionsPerNode(new IoOptions { EventLoops = 4 }, clusterTls: true));
        Assert.Equal(2, options.Backend.EffectiveConnectionsPerNode(new IoOptions { Transport = IoOptions.Kestrel }, clusterTls: false));
        Assert.Equal(3, (options.Backend with { ConnectionsPerNode = 3 }).EffectiveConnectionsPerNode(new IoOptions(), clusterTls: false));
        Assert.Equal(TimeSpan.FromSeconds(2), options.Backend.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Backend.OperationTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.Backend.ReconnectBackoffMin);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Backend.ReconnectBackoffMax);
        Assert.Equal(10, options.Backend.MaxReconnectsPerSecond);
        Assert.Equal(5, options.Routing.MaxRedirects);
        Assert.Equal(TimeSpan.FromMilliseconds(25), options.Routing.TryAgainDelay);
        Assert.Equal(536870912, options.Limits.MaxBulkLength);
        Assert.Equal(1048576, options.Limits.MaxArguments);
        Assert.Equal(65536, options.Limits.MaxInlineLength);
        Assert.Equal(10000, options.Limits.MaxPendingCommandsPerClient);
        Assert.Equal(10000, options.Limits.MaxClients);
        Assert.Equal(TimeSpan.Zero, options.Limits.ClientIdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Shutdown.DrainTimeout);
        Assert.Equal("Information", options.Logging.LogLevel);
        Assert.False(options.Logging.Json);
    }

    [Fact]
    public void Load_SeedFlagOnly_SucceedsWithDefaults()
    {
        var result = Load(["--seed", "127.0.0.1:30001"]);

        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        Assert.Equal(new SlotgateOptions { Cluster = new ClusterOptions { Seeds = ["127.0.0.1:30001"] } }.Cluster.Seeds, result.Options.Cluster.Seeds);
        Assert.Equal(new SlotgateOptions().Backend, result.Options.Backend);
        Assert.Equal(new SlotgateOptions().Limits, result.Options.Limits);
        Assert.Empty(result.RemainingArgs);
        Assert.Null(result.Command);
        Assert.Null(result.ConfigFile);
    }

    [Fact]
    public void Load_NothingGiven_ReportsMissingSeed()
    {
        var result = Load([]);

        Assert.False(result.Succeeded);
        Assert.Null(result.Options);
        Assert.Equal(["cluster.seeds: at least one seed is required (--seed host:port)"], result.Errors);
    }

    [Fact]
    public void Load_SeedRepeatedAndCommaSeparated_KeepsOrder()
    {
        var options = LoadOk(["--seed", "a:1,b:2", "--seed=[::1]:3", "--seed", "c:4"]);
        Assert.Equal(["a:1", "b:2", "[::1]:3", "c:4"], options.Cluster.Seeds);
    }

    [Fact]
    public void Load_FriendlyFlags_SetTheirOptions()
    {
        var options = LoadOk(
        [
            "--seed", "s:1", "--listen", "127.0.0.1:7001", "--listen", "[::1]:7001",
            "--log-level", "debug", "--connections-per-node", "8", "--op-timeout", "750ms",
        ]);

        Assert.Equal(["127.0.0.1:7001", "[::1]:7001"], options.Listen);
        Assert.Equal("Debug", options.Logging.LogLevel);
        Assert.Equal(8, options.Backend.ConnectionsPerNode);
        Assert.Equal(TimeSpan.FromMilliseconds(750), options.Backend.OperationTimeout);
    }

    [Fact]
    public void Load_GenericKeyFlags_SetAnyOption()
    {
        var options = LoadOk(
        [
            "--seed", "s:1", "--cluster:refreshInterval=5s", "--limits.maxBulkLength", "64mb",
            "--ROUTING:MAXREDIRECTS=3", "--logging:json", "true",
        ]);

        Assert.Equal(TimeSpan.FromSeconds(5), options.Cluster.RefreshInterval);
        Assert.Equal(64L * 1024 * 1024, options.Limits.MaxBulkLength);
        Assert.Equal(3, options.Routing.MaxRedirects);
        Assert.True(options.Logging.Json);
    }

    [Fact]
    public void Load_YamlFile_ReadsEverySection()
    {
        using var file = new TempYamlFile(
            """
            listen: ["0.0.0.0:7000", "[::]:7000"]
            cluster:
              seeds:
                - redis-0.redis:6379
                - "[fd00::1]:6379"
              refreshInterval: 30s
              refreshMinInterval: 1s
              username: proxy
              password: s3cret
            backend:
              connectionsPerNode: 4
              connectTimeout: 00:00:03
              operationTimeout: 2s
              reconnectBackoffMin: 50ms
              reconnectBackoffMax: 1m
              maxReconnectsPerSecond: 3
            routing:
              maxRedirects: 10
              tryAgainDelay: 10ms
            limits:
              maxBulkLength: 64mb
              maxArguments: 4096
              maxInlineLength: 16kb
              maxPendingCommandsPerClient: 500
              maxClients: 64
              clientIdleTimeout: 5m
            shutdown:
              drainTimeout: 3s
            logging:
              logLevel: warning
              json: true
            """);

        var result = Load(["-c", file.Path]);

        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        var o = result.Options;
        Assert.Equal(file.Path, result.ConfigFile);
        Assert.Equal(["0.0.0.0:7000", "[::]:7000"], o.Listen);
        Assert.Equal(["redis-0.redis:6379", "[fd00::1]:6379"], o.Cluster.Seeds);
        Assert.Equal(TimeSpan.FromSeconds(30), o.Cluster.RefreshInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), o.Cluster.RefreshMinInterval);
        Assert.Equal("proxy", o.Cluster.Username);
        Assert.Equal("s3cret", o.Cluster.Password);
        Assert.Equal(
            new BackendOptions
            {
                ConnectionsPerNode = 4,
                ConnectTimeout = TimeSpan.FromSeconds(3),
                OperationTimeout = TimeSpan.FromSeconds(2),
                ReconnectBackoffMin = TimeSpan.FromMilliseconds(50),
                ReconnectBackoffMax = TimeSpan.FromMinutes(1),
                MaxReconnectsPerSecond = 3,
            },
            o.Backend);
        Assert.Equal(new RoutingOptions { MaxRedirects = 10, TryAgainDelay = TimeSpan.FromMilliseconds(10) }, o.Routing);
        Assert.Equal(
            new LimitsOptions
            {
                MaxBulkLength = 64L * 1024 * 1024, MaxArguments = 4096, MaxInlineLength = 16 * 1024, MaxPendingCommandsPerClient = 500,
                MaxClients = 64, ClientIdleTimeout = TimeSpan.FromMinutes(5),
            },
            o.Limits);
        Assert.Equal(TimeSpan.FromSeconds(3), o.Shutdown.DrainTimeout);
        Assert.Equal(new LoggingOptions { LogLevel = "Warning", Json = true }, o.Logging);
    }

    [Fact]
    public void Load_YamlKeysInAnyCase_MatchCaseInsensitively()
    {
        using var file = new TempYamlFile("Cluster:\n  SEEDS: [a:1]\nBACKEND:\n  ConnectionsPerNode: 3\n");
        var options = LoadOk(["--config", file.Path]);
        Assert.Equal(["a:1"], options.Cluster.Seeds);
        Assert.Equal(3, options.Backend.ConnectionsPerNode);
    }

    [Fact]
    public void Load_FileEnvironmentAndFlags_LaterSourceWins()
    {
        using var file = new TempYamlFile(
            """
            cluster:
              seeds: [file-a:1, file-b:2, file-c:3]
              refreshInterval: 30s
            backend:
              connectionsPerNode: 3
              operationTimeout: 9s
              connectTimeout: 4s
            logging:
              logLevel: Error
            """);
        var environment = new Dictionary<string, string?>
        {
            ["SLOTGATE_CONFIG"] = file.Path,
            ["SLOTGATE_BACKEND__CONNECTIONSPERNODE"] = "5",
            ["SLOTGATE_BACKEND__OPERATIONTIMEOUT"] = "7s",
            ["SLOTGATE_CLUSTER__SEEDS__0"] = "env-a:1",
        };

        var options = LoadOk(["--op-timeout", "1s"], environment);

        // File only.
        Assert.Equal(TimeSpan.FromSeconds(30), options.Cluster.RefreshInterval);
        Assert.Equal(TimeSpan.FromSeconds(4), options.Backend.ConnectTimeout);
        Assert.Equal("Error", options.Logging.LogLevel);
        // Environment over file; a list from the environment replaces the file's list whole, not index by index.
        Assert.Equal(5, options.Backend.ConnectionsPerNode);
        Assert.Equal(["env-a:1"], options.Cluster.Seeds);
        // Flag over environment and file.
        Assert.Equal(TimeSpan.FromSeconds(1), options.Backend.OperationTimeout);
        // Default where no source says anything.
        Assert.Equal(TimeSpan.FromMilliseconds(25), options.Routing.TryAgainDelay);
    }

    [Fact]
    public void Load_SeedFlagOverEnvironmentSeeds_ReplacesList()
    {
        var environment = new Dictionary<string, string?> { ["SLOTGATE_SEEDS"] = "env-a:1, env-b:2" };
        Assert.Equal(["env-a:1", "env-b:2"], LoadOk([], environment).Cluster.Seeds);
        Assert.Equal(["flag:1"], LoadOk(["--seed", "flag:1"], environment).Cluster.Seeds);
    }

    [Fact]
    public void Load_ConfigFlag_OverridesConfigVariable()
    {
        using var fromEnvironment = new TempYamlFile("cluster: { seeds: [env:1] }\n");
        using var fromFlag = new TempYamlFile("cluster: { seeds: [flag:1] }\n");
        var environment = new Dictionary<string, string?> { ["SLOTGATE_CONFIG"] = fromEnvironment.Path };

        var result = Load(["--config", fromFlag.Path], environment);

        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        Assert.Equal(["flag:1"], result.Options.Cluster.Seeds);
        Assert.Equal(fromFlag.Path, result.ConfigFile);
    }

    [Fact]
    public void Load_UnrelatedSlotgateVariables_AreIgnored()
    {
        // What Kubernetes injects for a Service named "slotgate".
        var environment = new Dictionary<string, string?>
        {
            ["SLOTGATE_PORT"] = "tcp://10.96.0.10:7000",
            ["SLOTGATE_SERVICE_HOST"] = "10.96.0.10",
            ["SLOTGATE_PORT_7000_TCP_ADDR"] = "10.96.0.10",
            ["SLOTGATE_SEEDS"] = "redis:6379",
            ["PATH"] = "/usr/bin",
        };

        Assert.Equal(["redis:6379"], LoadOk([], environment).Cluster.Seeds);
    }

    [Fact]
    public void Load_ManyMistakes_ReportsEveryErrorWithItsPath()
    {
        using var file = new TempYamlFile(
            """
            cluster:
              seeds: [redis-0:7000, "redis-0:70x0", "::1:7000"]
              refreshInterval: 10
            backend:
              connectionsPerNode: 0
              operationTimeout: soon
              reconnectBackoffMin: 2s
              reconnectBackoffMax: 1s
            routing:
              maxRedirects: many
            limits:
              maxBulkLength: huge
              maxInlineLength: 4gb
              maxClients: 0
              clientIdleTimeout: -1s
            shutdown:
              drainTimeout: -2s
            logging:
              logLevel: verbose
              json: maybe
            """);

        var result = Load(["-c", file.Path]);

        Assert.False(result.Succeeded);
        Assert.Null(result.Options);
        string[] expectedStarts =
        [
            "cluster.seeds[1]: 'redis-0:70x0' is not host:port",
            "cluster.seeds[2]: '::1:7000' is not host:port",
            "cluster.refreshInterval: '10' is not a duration",
            "backend.connectionsPerNode: must be between 1 and 64, got 0",
            "backend.operationTimeout: 'soon' is not a duration",
            "backend.reconnectBackoffMax: must be at least backend.reconnectBackoffMin (2s), got 1s",
            "routing.maxRedirects: 'many' is not a whole number",
            "limits.maxBulkLength: 'huge' is not a size in bytes",
            "limits.maxInlineLength: must be at most 2147483647 bytes",
            "limits.maxClients: must be at least 1, got 0",
            "limits.clientIdleTimeout: ",
            "shutdown.drainTimeout: ",
            "logging.logLevel: 'verbose' is not one of Trace, Debug, Information, Warning, Error, Critical, None",
            "logging.json: 'maybe' is not true or false",
        ];
        foreach (var start in expectedStarts)
        {
            Assert.Contains(result.Errors, e => e.StartsWith(start, StringComparison.Ordinal));
        }

        Assert.Equal(expectedStarts.Length, result.Errors.Count);
    }

    [Fact]
    public void Load_UnknownKeys_ReportedWithSourceAndSuggestion()
    {
        using var file = new TempYamlFile(
            """
            clustr:
              seeds: [a:1]
            cluster:
              seeds: [a:1]
              refreshIntervall: 5s
            """);
        var environment = new Dictionary<string, string?> { ["SLOTGATE_BACKEND__OPTIMEOUT"] = "1s" };
        var fileName = Path.GetFileName(file.Path);

        var result = Load(["-c", file.Path, "--limits:maxBulk=1mb"], environment);

        Assert.Contains($"clustr: unknown key (did you mean 'cluster'?) (from {fileName})", result.Errors);
        Assert.Contains($"cluster.refreshIntervall: unknown key (did you mean 'refreshInterval'?) (from {fileName})", result.Errors);
        Assert.Contains("backend.OPTIMEOUT: unknown key (from SLOTGATE_BACKEND__OPTIMEOUT)", result.Errors);
        Assert.Contains("limits.maxBulk: unknown key (from --limits:maxBulk)", result.Errors);
        Assert.Equal(4, result.Errors.Count);
    }

    [Fact]
    public void Load_SectionGivenAsValue_ReportsShapeError()
    {
        using var file = new TempYamlFile("cluster: oops\nlisten:\n  a: b\n");
        var result = Load(["-c", file.Path, "--seed", "s:1"]);
        Assert.Contains(result.Errors, e => e.StartsWith("cluster: expected a section with keys, got the value 'oops'", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("listen: expected a list, found the key 'a'", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_MissingConfigFile_ReportsItAndOtherErrors()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"slotgate-missing-{Guid.NewGuid():N}.yaml");

        var result = Load(["--config", missing, "--connections-per-node", "99"]);

        Assert.Contains($"config: file '{missing}' not found (from --config or SLOTGATE_CONFIG)", result.Errors);
        Assert.Contains("backend.connectionsPerNode: must be between 1 and 64, got 99", result.Errors);
        Assert.Contains("cluster.seeds: at least one seed is required (--seed host:port)", result.Errors);
    }

    [Fact]
    public void Load_InvalidYaml_ReportsParseError()
    {
        using var file = new TempYamlFile("cluster:\n  seeds: [a:1\n");
        var result = Load(["-c", file.Path, "--seed", "s:1"]);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith($"config: '{file.Path}' is not valid YAML: line 3, column 1: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptyYamlValues_KeepDefaults()
    {
        using var file = new TempYamlFile("cluster:\n  seeds: [a:1]\n  username:\nbackend:\n  connectTimeout:\n");
        var options = LoadOk(["-c", file.Path]);
        Assert.Null(options.Cluster.Username);
        Assert.Equal(TimeSpan.FromSeconds(2), options.Backend.ConnectTimeout);
    }

    [Fact]
    public void Load_SubcommandWord_LeftAsRemainingArgs()
    {
        var result = Load(["demo", "--seed", "x:1", "--nodes", "3"]);

        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        Assert.Equal("demo", result.Command);
        Assert.Equal(["demo", "--nodes", "3"], result.RemainingArgs);
        Assert.Equal(["x:1"], result.Options.Cluster.Seeds);
    }

    [Fact]
    public void Load_DoubleDash_PassesRestThrough()
    {
        var result = Load(["--seed", "x:1", "import-envoy", "--", "--seed", "other:2"]);
        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        Assert.Equal(["import-envoy", "--seed", "other:2"], result.RemainingArgs);
        Assert.Equal(["x:1"], result.Options.Cluster.Seeds);
    }

    [Fact]
    public void Load_UnknownOptionBeforeCommand_ReportsIt()
    {
        var result = Load(["--sed", "x:1"]);
        Assert.Contains("--sed: unknown option (see --help; options of a subcommand go after its name)", result.Errors);
    }

    [Fact]
    public void Load_FlagWithoutValue_ReportsIt()
    {
        var result = Load(["--seed", "x:1", "--op-timeout"]);
        Assert.Equal(["--op-timeout: needs a value"], result.Errors);
    }

    [Fact]
    public void Load_Help_SetsHelpRequested()
    {
        var result = Load(["--help"]);
        Assert.True(result.HelpRequested);
        Assert.Contains("--seed HOST:PORT", SlotgateConfiguration.HelpText, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EnvironmentNull_ReadsProcessEnvironment()
    {
        // Every other test injects its environment, so setting one variable here cannot leak into them.
        const string Variable = "SLOTGATE_ROUTING__MAXREDIRECTS";
        Environment.SetEnvironmentVariable(Variable, "7");
        try
        {
            var result = SlotgateConfiguration.Load(["--seed", "x:1"]);
            Assert.True(result.Succeeded, string.Join('\n', result.Errors));
            Assert.Equal(7, result.Options.Routing.MaxRedirects);
        }
        finally
        {
            Environment.SetEnvironmentVariable(Variable, null);
        }
    }
}
