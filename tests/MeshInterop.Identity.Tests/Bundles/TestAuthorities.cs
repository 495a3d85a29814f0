using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MeshInterop.Identity.Tests.Bundles;

/// <summary>Self-signed certificates for bundle tests, minted with <see cref="CertificateRequest"/>.</summary>
internal static class TestAuthorities
{
    private static readonly DateTimeOffset NotBefore = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static X509Certificate2 EcRoot(string name, ECCurve? curve = null)
    {
        using var key = ECDsa.Create(curve ?? ECCurve.NamedCurves.nistP256);
        return SelfSigned(new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256), isCa: true);
    }

    public static X509Certificate2 RsaRoot(string name)
    {
        using var key = RSA.Create(2048);
        return SelfSigned(new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1), isCa: true);
    }

    public static X509Certificate2 EcLeaf(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return SelfSigned(new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256), isCa: false);
    }

    public static X509Certificate2 EcWithoutBasicConstraints(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(NotBefore, NotBefore.AddYears(1));
        return X509CertificateLoader.LoadCertificate(certificate.RawData);
    }

    private static X509Certificate2 SelfSigned(CertificateRequest request, bool isCa)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(isCa, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            isCa ? X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign : X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var certificate = request.CreateSelfSigned(NotBefore, NotBefore.AddYears(10));
        // Keep only the public part, as a bundle does.
        return X509CertificateLoader.LoadCertificate(certificate.RawData);
    }
}
