using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MeshInterop.Identity;
using MeshInterop.Identity.X509;

namespace MeshInterop.Conformance.Internal;

/// <summary>
/// Throw-away certificate material for the negative transport cases: an X.509-SVID with the kit's own SPIFFE ID under a
/// root no target trusts, so only the chain, not the identity, is wrong.
/// </summary>
internal static class KitCertificates
{
    public static X509Svid UntrustedSvid(SpiffeId id, TimeProvider time)
    {
        var now = time.GetUtcNow();
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=MeshInterop conformance untrusted root, O=SPIFFE", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
        using var root = rootRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddHours(1));

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("O=SPIFFE", leafKey, HashAlgorithmName.SHA256);
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        leafRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        leafRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        leafRequest.CertificateExtensions.Add(new X509Extension("2.5.29.17", UriSan(id.ToString()), critical: false));
        var serial = new byte[8];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7f;
        using var leaf = leafRequest.Create(root, now.AddMinutes(-5), now.AddMinutes(50), serial);
        return X509Svid.Create(leaf.CopyWithPrivateKey(leafKey));
    }

    private static byte[] UriSan(string uri)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteCharacterString(UniversalTagNumber.IA5String, uri, new Asn1Tag(TagClass.ContextSpecific, 6));
        }

        return writer.Encode();
    }
}
