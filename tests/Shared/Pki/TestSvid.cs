using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace MeshInterop.Testing.Pki;

/// <summary>A minted leaf (with its private key) plus the intermediates its issuer chain adds, leaf-nearest first.</summary>
public sealed record TestSvid(X509Certificate2 Leaf, IReadOnlyList<X509Certificate2> Intermediates, TestCertificateAuthority Issuer)
{
    /// <summary>Gets the presented intermediates as a collection (what a TLS peer sends after its leaf).</summary>
    public X509Certificate2Collection IntermediateCollection => [.. Intermediates];

    /// <summary>Gets the chain as PEM: leaf first, then the intermediates.</summary>
    public string ChainPem => TestPem.Certificates([Leaf, .. Intermediates]);

    /// <summary>Gets the unencrypted PKCS#8 private key as PEM.</summary>
    public string PrivateKeyPem => TestPem.PrivateKey(Leaf);

    /// <summary>Exports leaf, key and intermediates as PKCS#12.</summary>
    public byte[] ExportPkcs12(string? password = null)
    {
        // CA certificates in the test PKI carry their keys; a real SVID bundle only has the leaf's.
        X509Certificate2Collection collection = [Leaf, .. Intermediates.Select(c => X509CertificateLoader.LoadCertificate(c.RawData))];
        return collection.Export(X509ContentType.Pkcs12, password)!;
    }
}

/// <summary>PEM export for tests.</summary>
public static class TestPem
{
    public static string Certificates(IEnumerable<X509Certificate2> certificates)
    {
        var builder = new StringBuilder();
        foreach (var certificate in certificates)
            builder.Append(PemEncoding.Write("CERTIFICATE", certificate.RawData)).Append('\n');
        return builder.ToString();
    }

    public static string PrivateKey(X509Certificate2 certificate)
    {
        using AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()
            ?? throw new InvalidOperationException("The certificate has no private key.");
        return new string(PemEncoding.Write("PRIVATE KEY", key.ExportPkcs8PrivateKey())) + "\n";
    }

    public static string EncryptedPrivateKey(X509Certificate2 certificate, string password)
    {
        using AsymmetricAlgorithm key = (AsymmetricAlgorithm?)certificate.GetECDsaPrivateKey() ?? certificate.GetRSAPrivateKey()
            ?? throw new InvalidOperationException("The certificate has no private key.");
        var encrypted = key.ExportEncryptedPkcs8PrivateKey(password, new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1000));
        return new string(PemEncoding.Write("ENCRYPTED PRIVATE KEY", encrypted)) + "\n";
    }
}
