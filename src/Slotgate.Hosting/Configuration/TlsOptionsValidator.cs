namespace Slotgate.Configuration;

/// <summary>
/// The checks for the TLS listener, backend TLS and the secret files: every file named must exist and load (PEM
/// certificates, a key matching its certificate) at start-up, reported with the option's path, so a wrong mount shows
/// up before the first client does.
/// </summary>
internal static class TlsOptionsValidator
{
    public static void ValidateListener(TlsOptions tls, IReadOnlyList<string> plaintextListen, List<string> errors)
    {
        if (!tls.Enabled)
        {
            foreach ((string key, string? value) in new[] { ("certFile", tls.CertFile), ("keyFile", tls.KeyFile), ("clientCaFile", tls.ClientCaFile) })
            {
                if (value is not null)
                {
                    errors.Add($"tls.{key}: set, but tls.listen is empty (no TLS listener would use it)");
                }
            }
            return;
        }

        var plaintext = new HashSet<HostPort>();
        foreach (string address in plaintextListen)
        {
            if (HostPort.TryParse(address, out HostPort parsed, out _))
            {
                plaintext.Add(parsed);
            }
        }
        var seen = new HashSet<HostPort>();
        for (int i = 0; i < tls.Listen.Count; i++)
        {
            if (!HostPort.TryParse(tls.Listen[i], out HostPort endpoint, out string? error))
            {
                errors.Add($"tls.listen[{i}]: '{tls.Listen[i]}' {error}");
            }
            else if (!seen.Add(endpoint))
            {
                errors.Add($"tls.listen[{i}]: '{tls.Listen[i]}' is listed twice");
            }
            else if (endpoint.Port != 0 && plaintext.Contains(endpoint))
            {
                errors.Add($"tls.listen[{i}]: '{tls.Listen[i]}' is also a plaintext listen address");
            }
        }

        if (tls.CertFile is null)
        {
            errors.Add("tls.certFile: required when tls.listen is set");
        }
        if (tls.KeyFile is null)
        {
            errors.Add("tls.keyFile: required when tls.listen is set");
        }
        if (tls.CertFile is not null && tls.KeyFile is not null)
        {
            Check(() => PemFiles.LoadCertificateWithKey(tls.CertFile, tls.KeyFile), "tls.certFile", errors);
        }

        if (!TlsOptions.ClientCertificateModes.Contains(tls.ClientCertificates))
        {
            errors.Add($"tls.clientCertificates: must be one of {string.Join(", ", TlsOptions.ClientCertificateModes)}, got '{tls.ClientCertificates}'");
        }
        else if (tls.ClientCertificates != "none" && tls.ClientCaFile is null)
        {
            errors.Add($"tls.clientCaFile: required when tls.clientCertificates is {tls.ClientCertificates}");
        }
        else if (tls.ClientCertificates == "none" && tls.ClientCaFile is not null)
        {
            errors.Add("tls.clientCaFile: set, but tls.clientCertificates is none (set it to optional or required)");
        }
        if (tls.ClientCaFile is not null)
        {
            Check(() => PemFiles.LoadCertificates(tls.ClientCaFile), "tls.clientCaFile", errors);
        }
        Positive(tls.ReloadInterval, "tls.reloadInterval", errors);
    }

    public static void ValidateCluster(ClusterOptions cluster, List<string> errors)
    {
        if (cluster.Username is not null && cluster.UsernameFile is not null)
        {
            errors.Add("cluster.usernameFile: cannot be set together with cluster.username");
        }
        if (cluster.Password is not null && cluster.PasswordFile is not null)
        {
            errors.Add("cluster.passwordFile: cannot be set together with cluster.password");
        }
        if (cluster.UsernameFile is not null)
        {
            Check(() => PemFiles.ReadSecret(cluster.UsernameFile), "cluster.usernameFile", errors);
        }
        if (cluster.PasswordFile is not null)
        {
            Check(() => PemFiles.ReadSecret(cluster.PasswordFile), "cluster.passwordFile", errors);
        }
        Positive(cluster.FileReloadInterval, "cluster.fileReloadInterval", errors);

        ClusterTlsOptions tls = cluster.Tls;
        if (!tls.Enabled)
        {
            if (tls.CaFile is not null || tls.ServerName is not null || tls.CertFile is not null || tls.KeyFile is not null || tls.InsecureSkipVerify)
            {
                errors.Add("cluster.tls.enabled: the cluster.tls section has settings but TLS to the nodes is off (set enabled: true)");
            }
            return;
        }
        if (tls.InsecureSkipVerify && (tls.CaFile is not null || tls.ServerName is not null))
        {
            errors.Add("cluster.tls.insecureSkipVerify: no certificate is checked, so cluster.tls.caFile and serverName would be ignored; remove one or the other");
        }
        if (tls.CaFile is not null)
        {
            Check(() => PemFiles.LoadCertificates(tls.CaFile), "cluster.tls.caFile", errors);
        }
        if ((tls.CertFile is null) != (tls.KeyFile is null))
        {
            errors.Add(tls.CertFile is null
                ? "cluster.tls.certFile: required when cluster.tls.keyFile is set"
                : "cluster.tls.keyFile: required when cluster.tls.certFile is set");
        }
        else if (tls.CertFile is not null)
        {
            Check(() => PemFiles.LoadCertificateWithKey(tls.CertFile, tls.KeyFile!), "cluster.tls.certFile", errors);
        }
    }

    private static void Check(Action load, string path, List<string> errors)
    {
        try
        {
            load();
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            errors.Add($"{path}: {ex.Message}");
        }
    }

    private static void Positive(TimeSpan value, string path, List<string> errors)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{path}: must be greater than 0, got {ConfigValueParser.FormatDuration(value)}");
        }
    }
}
