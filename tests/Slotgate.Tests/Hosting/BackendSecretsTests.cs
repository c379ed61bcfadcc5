using Microsoft.Extensions.Logging.Abstractions;
using Slotgate.Backend;

namespace Slotgate.Tests.Hosting;

public sealed class BackendSecretsTests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public async Task PollNow_UsernameAndPasswordFilesChanged_CredentialsSwappedTogether()
    {
        string usernameFile = Path.Combine(_certificates.Directory, "username");
        string passwordFile = Path.Combine(_certificates.Directory, "password");
        File.WriteAllText(usernameFile, "first-user");
        File.WriteAllText(passwordFile, "first-password\n");
        var options = new ClusterOptions { Seeds = ["a:1"], UsernameFile = usernameFile, PasswordFile = passwordFile };
        BackendCredentials credentials = BackendSecrets.LoadCredentials(options);
        Assert.Equal(["AUTH", "first-user", "first-password"], credentials.AuthArguments()!);

        using var secrets = new BackendSecrets(options, credentials, null, NullLogger<BackendSecrets>.Instance);
        await secrets.StartAsync(CancellationToken.None);
        File.WriteAllText(usernameFile, "second-user");
        File.WriteAllText(passwordFile, "second-password");
        secrets.PollNow();
        Assert.Equal(["AUTH", "second-user", "second-password"], credentials.AuthArguments()!);

        // An emptied file (a Secret being rewritten) is not taken: the password never becomes empty.
        File.WriteAllText(passwordFile, string.Empty);
        secrets.PollNow();
        Assert.Equal(["AUTH", "second-user", "second-password"], credentials.AuthArguments()!);
        Assert.DoesNotContain("password", credentials.ToString().Replace("password ***", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PollNow_ClusterCaFileChanged_NextConnectionsTrustNewCa()
    {
        string caFile = Path.Combine(_certificates.Directory, "cluster-ca.crt");
        File.Copy(_certificates.CaFile, caFile);
        var options = new ClusterOptions { Seeds = ["a:1"], Tls = new ClusterTlsOptions { Enabled = true, CaFile = caFile } };
        var connector = new TlsBackendConnector(BackendSecrets.LoadTlsMaterial(options.Tls));
        Assert.Equal(_certificates.Ca.Thumbprint, Assert.Single(connector.Material.TrustedRoots!).Thumbprint);

        using var other = new TestCertificates("Rotated CA");
        using var secrets = new BackendSecrets(options, BackendCredentials.None, connector, NullLogger<BackendSecrets>.Instance);
        await secrets.StartAsync(CancellationToken.None);
        File.Copy(other.CaFile, caFile, overwrite: true);
        secrets.PollNow();

        Assert.Equal(other.Ca.Thumbprint, Assert.Single(connector.Material.TrustedRoots!).Thumbprint);
    }
}
