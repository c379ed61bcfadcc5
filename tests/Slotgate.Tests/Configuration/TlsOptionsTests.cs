namespace Slotgate.Tests.Configuration;

/// <summary>The <c>tls</c> and <c>cluster.tls</c> sections and the secret files: reading, validation, rendering.</summary>
public sealed class TlsOptionsTests : IDisposable
{
    private readonly TestCertificates _certificates = new();
    private readonly IssuedCertificate _server;
    private readonly string _passwordFile;

    public TlsOptionsTests()
    {
        _server = _certificates.Issue("slotgate");
        _passwordFile = Path.Combine(_certificates.Directory, "password");
        File.WriteAllText(_passwordFile, "file-secret\n");
    }

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public void Options_New_TlsOffByDefault()
    {
        var options = new SlotgateOptions();
        Assert.False(options.Tls.Enabled);
        Assert.Equal("none", options.Tls.ClientCertificates);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Tls.ReloadInterval);
        Assert.False(options.Cluster.Tls.Enabled);
        Assert.False(options.Cluster.Tls.InsecureSkipVerify);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Cluster.FileReloadInterval);
    }

    [Fact]
    public void Load_YamlAndEnvironment_ReadsEveryTlsAndSecretFileKey()
    {
        using var file = new TempYamlFile(
            $"""
            listen: ["127.0.0.1:7000"]
            tls:
              listen: ["127.0.0.1:7443"]
              certFile: {_server.CertFile}
              keyFile: {_server.KeyFile}
              clientCaFile: {_certificates.CaFile}
              clientCertificates: Required
              reloadInterval: 30s
            cluster:
              seeds: [redis-0:6380]
              username: slotgate
              fileReloadInterval: 5s
              tls:
                enabled: true
                caFile: {_certificates.CaFile}
                serverName: redis.internal
                certFile: {_server.CertFile}
                keyFile: {_server.KeyFile}
            """);
        var environment = new Dictionary<string, string?> { ["SLOTGATE_CLUSTER__PASSWORDFILE"] = _passwordFile };

        SlotgateConfigLoadResult result = SlotgateConfiguration.Load(["-c", file.Path], environment);

        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        SlotgateOptions o = result.Options;
        Assert.Equal(["127.0.0.1:7443"], o.Tls.Listen);
        Assert.Equal(_server.CertFile, o.Tls.CertFile);
        Assert.Equal(_server.KeyFile, o.Tls.KeyFile);
        Assert.Equal(_certificates.CaFile, o.Tls.ClientCaFile);
        Assert.Equal("required", o.Tls.ClientCertificates);
        Assert.Equal(TimeSpan.FromSeconds(30), o.Tls.ReloadInterval);
        Assert.Equal(_passwordFile, o.Cluster.PasswordFile);
        Assert.Null(o.Cluster.Password);
        Assert.Equal(TimeSpan.FromSeconds(5), o.Cluster.FileReloadInterval);
        Assert.Equal(new ClusterTlsOptions
        {
            Enabled = true,
            CaFile = _certificates.CaFile,
            ServerName = "redis.internal",
            CertFile = _server.CertFile,
            KeyFile = _server.KeyFile,
        }, o.Cluster.Tls);
    }

    [Fact]
    public void Load_EmptyListenValueWithTlsListen_TlsOnlyAccepted()
    {
        using var file = new TempYamlFile(
            $"""
            listen: ""
            tls:
              listen: ["127.0.0.1:7443"]
              certFile: {_server.CertFile}
              keyFile: {_server.KeyFile}
            cluster:
              seeds: [redis-0:6380]
            """);

        SlotgateConfigLoadResult result = SlotgateConfiguration.Load(["-c", file.Path], new Dictionary<string, string?>());

        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        Assert.Empty(result.Options.Listen);
        Assert.Contains("listen: at least one address is required (--listen host:port)",
            SlotgateConfiguration.Validate(result.Options with { Tls = new TlsOptions() }));
    }

    [Fact]
    public void Load_UnknownTlsKey_ReportedWithSuggestion()
    {
        SlotgateConfigLoadResult result = SlotgateConfiguration.Load(
            ["--seed", "a:1", "--tls:certFiel=x", "--cluster:tls:insecureSkipVerfy=true"], new Dictionary<string, string?>());
        Assert.Contains(result.Errors, e => e.StartsWith("tls.certFiel: unknown key (did you mean 'certFile'?)", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("cluster.tls.insecureSkipVerfy: unknown key (did you mean 'insecureSkipVerify'?)", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_BrokenTlsAndSecretSettings_ReportsEveryPathAtOnce()
    {
        string notPem = Path.Combine(_certificates.Directory, "not.pem");
        File.WriteAllText(notPem, "hello");
        IssuedCertificate other = _certificates.Issue("other");
        var options = new SlotgateOptions
        {
            Listen = ["127.0.0.1:7000"],
            Tls = new TlsOptions
            {
                Listen = ["127.0.0.1:7000", "bad"],
                CertFile = _server.CertFile,
                KeyFile = other.KeyFile,
                ClientCertificates = "sometimes",
                ReloadInterval = TimeSpan.Zero,
            },
            Cluster = new ClusterOptions
            {
                Seeds = ["a:1"],
                Password = "inline",
                PasswordFile = _passwordFile,
                UsernameFile = Path.Combine(_certificates.Directory, "missing"),
                Tls = new ClusterTlsOptions { Enabled = true, CaFile = notPem, CertFile = _server.CertFile },
            },
        };

        IReadOnlyList<string> errors = SlotgateConfiguration.Validate(options);

        Assert.Contains("tls.listen[0]: '127.0.0.1:7000' is also a plaintext listen address", errors);
        Assert.Contains(errors, e => e.StartsWith("tls.listen[1]: 'bad'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e == $"tls.certFile: the key in '{other.KeyFile}' is not a PEM private key or does not match the certificate in '{_server.CertFile}'");
        Assert.Contains("tls.clientCertificates: must be one of none, optional, required, got 'sometimes'", errors);
        Assert.Contains("tls.reloadInterval: must be greater than 0, got 0s", errors);
        Assert.Contains("cluster.passwordFile: cannot be set together with cluster.password", errors);
        Assert.Contains(errors, e => e.StartsWith("cluster.usernameFile: '", StringComparison.Ordinal) && e.EndsWith("' does not exist", StringComparison.Ordinal));
        Assert.Contains($"cluster.tls.caFile: '{notPem}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)", errors);
        Assert.Contains("cluster.tls.keyFile: required when cluster.tls.certFile is set", errors);
        Assert.DoesNotContain(errors, e => e.Contains("inline", StringComparison.Ordinal) || e.Contains("file-secret", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_TlsSettingsWithoutTheirSwitch_Reported()
    {
        var options = new SlotgateOptions
        {
            Tls = new TlsOptions { CertFile = _server.CertFile },
            Cluster = new ClusterOptions { Seeds = ["a:1"], Tls = new ClusterTlsOptions { InsecureSkipVerify = true } },
        };
        IReadOnlyList<string> errors = SlotgateConfiguration.Validate(options);
        Assert.Contains("tls.certFile: set, but tls.listen is empty (no TLS listener would use it)", errors);
        Assert.Contains("cluster.tls.enabled: the cluster.tls section has settings but TLS to the nodes is off (set enabled: true)", errors);

        IReadOnlyList<string> more = SlotgateConfiguration.Validate(options with
        {
            Tls = new TlsOptions { Listen = ["127.0.0.1:7443"], CertFile = _server.CertFile, KeyFile = _server.KeyFile, ClientCertificates = "required" },
            Cluster = new ClusterOptions { Seeds = ["a:1"], Tls = new ClusterTlsOptions { Enabled = true, InsecureSkipVerify = true, CaFile = _certificates.CaFile } },
        });
        Assert.Contains("tls.clientCaFile: required when tls.clientCertificates is required", more);
        Assert.Contains(more, e => e.StartsWith("cluster.tls.insecureSkipVerify: no certificate is checked", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_GoodTlsAndFiles_NoErrors()
    {
        SlotgateOptions options = WithTlsFiles(new ClusterTlsOptions { Enabled = true, CaFile = _certificates.CaFile, CertFile = _server.CertFile, KeyFile = _server.KeyFile });
        options = options with { Cluster = options.Cluster with { Username = "slotgate" } };
        Assert.Empty(SlotgateConfiguration.Validate(options));
    }

    [Fact]
    public void Render_TlsAndSecretFiles_PathsShownSecretsNotAndLoadsBack()
    {
        SlotgateOptions options = WithTlsFiles(new ClusterTlsOptions { Enabled = true, ServerName = "redis.internal", CertFile = _server.CertFile, KeyFile = _server.KeyFile });

        string text = SlotgateConfiguration.Render(options);

        Assert.Contains($"  keyFile: \"{_server.KeyFile}\"\n", text, StringComparison.Ordinal);
        Assert.Contains($"  passwordFile: \"{_passwordFile}\"\n", text, StringComparison.Ordinal);
        Assert.Contains("    serverName: \"redis.internal\"\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", text, StringComparison.Ordinal);
        Assert.DoesNotContain("file-secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("file-secret", options.ToString(), StringComparison.Ordinal);

        using var file = new TempYamlFile(text);
        SlotgateConfigLoadResult loaded = SlotgateConfiguration.Load(["-c", file.Path], new Dictionary<string, string?>());
        Assert.True(loaded.Succeeded, string.Join('\n', loaded.Errors));
        Assert.Equal(options.Tls.Listen, loaded.Options.Tls.Listen);
        Assert.Equal(options.Tls with { Listen = loaded.Options.Tls.Listen }, loaded.Options.Tls);
        Assert.Equal(options.Cluster.Tls, loaded.Options.Cluster.Tls);
        Assert.Equal(options.Cluster.PasswordFile, loaded.Options.Cluster.PasswordFile);
    }

    [Theory]
    [InlineData("secret\n", "secret")]
    [InlineData("secret\r\n", "secret")]
    [InlineData(" with spaces \n", " with spaces ")]
    [InlineData("two\nlines\n", "two\nlines")]
    public void ReadSecret_TrailingLineBreak_RemovedOnce(string content, string expected)
    {
        File.WriteAllText(_passwordFile, content);
        Assert.Equal(expected, PemFiles.ReadSecret(_passwordFile));
    }

    [Fact]
    public void ReadSecret_EmptyFile_Refused()
    {
        File.WriteAllText(_passwordFile, "\n");
        InvalidDataException error = Assert.Throws<InvalidDataException>(() => PemFiles.ReadSecret(_passwordFile));
        Assert.EndsWith("is empty", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A client TLS listener with the test certificate, and a cluster reached over <paramref name="clusterTls"/> with a password file.</summary>
    private SlotgateOptions WithTlsFiles(ClusterTlsOptions clusterTls) => new()
    {
        Tls = new TlsOptions { Listen = ["0.0.0.0:7443"], CertFile = _server.CertFile, KeyFile = _server.KeyFile, ClientCaFile = _certificates.CaFile, ClientCertificates = "optional" },
        Cluster = new ClusterOptions { Seeds = ["a:1"], PasswordFile = _passwordFile, Tls = clusterTls },
    };
}
