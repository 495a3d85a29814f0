using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MeshInterop.Identity;

namespace MeshInterop.Cli.Commands;

/// <summary>
/// Development CAs and X.509-SVIDs as PEM files. Everything made here is marked as development material: in the
/// file names (<c>.dev-ca</c>, <c>.dev-svid</c>), in a comment above each PEM block, in the certificate subject,
/// and in the command output. Real meshes get SVIDs from their own CA (SPIRE, Istio, Consul Connect).
/// </summary>
internal static class SpiffeDevelopmentMaterial
{
    public const string Marker = "MeshInterop DEVELOPMENT material";

    public const string Warning = "DEVELOPMENT MATERIAL ONLY: made by 'meshinterop spiffe' for trying MeshInterop out; never use it in production.";

    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2");

    public static string CaCertificateFile(TrustDomain trustDomain) => $"{trustDomain}.dev-ca.pem";

    public static string CaKeyFile(TrustDomain trustDomain) => $"{trustDomain}.dev-ca.key.pem";

    public static string SvidCertificateFile(string name) => $"{name}.dev-svid.pem";

    public static string SvidKeyFile(string name) => $"{name}.dev-svid.key.pem";

    /// <summary>The key file written next to a certificate file: <c>x.pem</c> has <c>x.key.pem</c>.</summary>
    public static string KeyFileFor(string certificatePath) =>
        certificatePath.EndsWith(".pem", StringComparison.Ordinal) ? certificatePath[..^4] + ".key.pem" : certificatePath + ".key.pem";

    /// <summary>A self-signed CA for one trust domain, with its key.</summary>
    public static X509Certificate2 CreateCa(TrustDomain trustDomain, DateTimeOffset now, TimeSpan validity)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={trustDomain} development CA, O={Marker}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));

        // No URI SAN: System.Uri would write the trust domain's ID with a trailing slash, which is not a SPIFFE ID.
        return request.CreateSelfSigned(now.AddMinutes(-5), now + validity);
    }

    /// <summary>
    /// An X.509-SVID as the SPIFFE profile wants it: one URI SAN, not a CA, digitalSignature only (critical), both
    /// TLS roles, signed by <paramref name="ca"/> and never outliving it.
    /// </summary>
    public static X509Certificate2 IssueSvid(X509Certificate2 ca, SpiffeId id, DateTimeOffset now, TimeSpan validity)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={Tail(id)}, O={Marker}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuth, ClientAuth], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        request.CertificateExtensions.Add(UriSan(id));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        var notAfter = now + validity < ca.NotAfter ? now + validity : new DateTimeOffset(ca.NotAfter.ToUniversalTime());
        using var issued = request.Create(ca, now.AddMinutes(-5), notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>The last path segment of an ID, or the trust domain for a root ID: a readable file and subject name.</summary>
    public static string Tail(SpiffeId id)
    {
        var path = id.Path.ToString();
        return path.Length == 0 ? id.TrustDomain.ToString() : path[(path.LastIndexOf('/') + 1)..];
    }

    public static string CertificatePem(X509Certificate2 certificate, string what) =>
        Header(what) + certificate.ExportCertificatePem() + "\n";

    public static string KeyPem(X509Certificate2 certificate, string what)
    {
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The certificate has no EC private key.");
        return Header(what + " private key: keep it secret") + key.ExportPkcs8PrivateKeyPem() + "\n";
    }

    /// <summary>Loads a CA certificate and its key from PEM files (explanatory text around the PEM blocks is ignored).</summary>
    public static X509Certificate2 LoadCa(string certificatePath, string keyPath) =>
        X509Certificate2.CreateFromPemFile(certificatePath, keyPath);

    /// <summary>
    /// Writes a file that must not exist yet (unless <paramref name="overwrite"/>); private keys are readable by
    /// their owner only.
    /// </summary>
    public static void Write(string path, string content, bool isPrivateKey, bool overwrite)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = overwrite ? FileMode.Create : FileMode.CreateNew, Access = FileAccess.Write };
        if (isPrivateKey && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(Encoding.UTF8.GetBytes(content));
    }

    /// <summary>Reads the URI SANs of a certificate from the raw extension, without <see cref="Uri"/> normalising them.</summary>
    public static IReadOnlyList<string> UriSans(X509Certificate2 certificate)
    {
        var uris = new List<string>();
        var extension = certificate.Extensions["2.5.29.17"];
        if (extension is null)
        {
            return uris;
        }

        try
        {
            var names = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
            var uriTag = new Asn1Tag(TagClass.ContextSpecific, 6);
            while (names.HasData)
            {
                var tag = names.PeekTag();
                if (tag.HasSameClassAndValue(uriTag))
                {
                    uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, uriTag));
                }
                else
                {
                    names.ReadEncodedValue();
                }
            }
        }
        catch (AsnContentException)
        {
            // Malformed SANs are for the validator to report; inspection shows what it could read.
        }

        return uris;
    }

    private static string Header(string what) =>
        $"# {Warning}\n# {what}\n";

    private static X509Extension UriSan(SpiffeId id)
    {
        var builder = new SubjectAlternativeNameBuilder();
        builder.AddUri(new Uri(id.ToString()));
        return builder.Build(critical: false);
    }
}
