using System.Security.Cryptography.X509Certificates;

namespace Slotgate.Tests.Support;

/// <summary>A certificate from <see cref="TestCertificates"/> and where its PEM files are.</summary>
internal sealed record IssuedCertificate(X509Certificate2 Certificate, string CertFile, string KeyFile)
{
    /// <summary>The certificate with its private key, for a client that presents it.</summary>
    public X509Certificate2 WithKey() => X509Certificate2.CreateFromPemFile(CertFile, KeyFile);
}
