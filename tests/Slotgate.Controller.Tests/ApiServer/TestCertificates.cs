using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Slotgate.Controller.Tests.ApiServer;

/// <summary>A throw-away certificate authority and a serving certificate for 127.0.0.1, as a cluster's API server has.</summary>
internal sealed class TestCertificates
{
    private TestCertificates(X509Certificate2 authority, X509Certificate2 serving)
    {
        Authority = authority;
        Serving = serving;
    }

    /// <summary>The CA certificate (public part) clients trust.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The server's certificate with its private key.</summary>
    public X509Certificate2 Serving { get; }

    public string AuthorityPem => Authority.ExportCertificatePem();

    public static TestCertificates Create()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=test-apiserver-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using X509Certificate2 ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=kube-apiserver", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        names.AddDnsName("kubernetes.default.svc");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using X509Certificate2 issued = serverRequest.Create(ca, now.AddMinutes(-5), now.AddDays(1), serial);
        using X509Certificate2 withKey = issued.CopyWithPrivateKey(serverKey);
        // Through PKCS#12 so the key is usable by the TLS stack on every platform.
        X509Certificate2 serving = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        return new TestCertificates(X509CertificateLoader.LoadCertificate(ca.RawData), serving);
    }
}
