using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MeshInterop.Samples.FederationDemo;

/// <summary>
/// A throw-away certificate authority for one trust domain, made in memory when the demo starts.
/// DEVELOPMENT MATERIAL ONLY: real meshes get their SVIDs from their own CA (SPIRE, Istio, Consul Connect).
/// </summary>
internal sealed class DevelopmentCa : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public DevelopmentCa(string trustDomain, DateTimeOffset now)
    {
        TrustDomain = trustDomain;
        var request = new CertificateRequest($"CN={trustDomain} development CA, O=MeshInterop demo", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(UriSan($"spiffe://{trustDomain}"));
        Certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }

    public string TrustDomain { get; }

    public X509Certificate2 Certificate { get; }

    /// <summary>Issues an X.509-SVID: one URI SAN, not a CA, digitalSignature only.</summary>
    public X509Certificate2 IssueSvid(string path, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={path.TrimStart('/')}, O={TrustDomain}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        request.CertificateExtensions.Add(UriSan($"spiffe://{TrustDomain}{path}"));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(Certificate, now.AddMinutes(-5), now.AddHours(12), serial);
        return issued.CopyWithPrivateKey(key);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }

    private static X509Extension UriSan(string uri)
    {
        var builder = new SubjectAlternativeNameBuilder();
        builder.AddUri(new Uri(uri));
        return builder.Build(critical: false);
    }
}
