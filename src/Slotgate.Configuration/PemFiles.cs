using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Slotgate.Configuration;

/// <summary>
/// Loads the PEM files the TLS options name. Used by the validator at start-up (so a bad file is reported with its
/// option path) and by the reloaders at run time (so a bad replacement keeps the last good certificate).
/// Errors are <see cref="InvalidDataException"/> with a message that names the problem, never the file's content.
/// </summary>
internal static class PemFiles
{
    /// <summary>The certificate (first in <paramref name="certFile"/>) with its private key, and any further certificates in the file as its chain.</summary>
    public static (X509Certificate2 Leaf, X509Certificate2Collection Chain) LoadCertificateWithKey(string certFile, string keyFile)
    {
        X509Certificate2Collection all = LoadCertificates(certFile);
        X509Certificate2 leaf;
        try
        {
            leaf = X509Certificate2.CreateFromPemFile(certFile, keyFile);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            // .NET gives one message for a missing, malformed or mismatched key; say which files were involved.
            throw new InvalidDataException($"the key in '{keyFile}' is not a PEM private key or does not match the certificate in '{certFile}'", ex);
        }
        var chain = new X509Certificate2Collection();
        for (int i = 1; i < all.Count; i++)
        {
            chain.Add(all[i]);
        }
        return (leaf, chain);
    }

    /// <summary>Every certificate in a PEM bundle; at least one.</summary>
    public static X509Certificate2Collection LoadCertificates(string file)
    {
        if (!File.Exists(file))
        {
            throw new InvalidDataException($"'{file}' does not exist");
        }
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(file);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidDataException($"'{file}' is not a PEM certificate file ({ex.Message})", ex);
        }
        if (certificates.Count == 0)
        {
            throw new InvalidDataException($"'{file}' holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return certificates;
    }

    /// <summary>
    /// A secret from a file, with one trailing line break removed (editors and <c>echo</c> add one; Kubernetes
    /// <c>--from-literal</c> does not). Anything else, spaces included, is part of the secret.
    /// </summary>
    public static string ReadSecret(string file)
    {
        if (!File.Exists(file))
        {
            throw new InvalidDataException($"'{file}' does not exist");
        }
        string text = File.ReadAllText(file);
        if (text.EndsWith("\r\n", StringComparison.Ordinal))
        {
            text = text[..^2];
        }
        else if (text.EndsWith('\n'))
        {
            text = text[..^1];
        }
        if (text.Length == 0)
        {
            throw new InvalidDataException($"'{file}' is empty");
        }
        return text;
    }
}
