using System.Formats.Asn1;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MeshInterop.Identity.Bundles;

/// <summary>
/// The X.509 authorities (root CA certificates) of exactly one trust domain. They authenticate X509-SVIDs of
/// that trust domain only; bundles of different trust domains are never merged.
/// </summary>
/// <remarks>
/// Immutable and safe to share between threads. An empty bundle is valid: it means the trust domain revoked all
/// its X.509 keys, so every X509-SVID of that trust domain must be rejected. The bundle does not take ownership of
/// the certificates and never disposes them.
/// </remarks>
public sealed class X509Bundle
{
    private readonly X509Certificate2[] _authorities;

    /// <summary>Initializes a new instance of the <see cref="X509Bundle"/> class.</summary>
    /// <param name="trustDomain">The trust domain the authorities belong to.</param>
    /// <param name="authorities">The authorities; byte-identical duplicates are dropped, the order is kept.</param>
    /// <exception cref="ArgumentException"><paramref name="trustDomain"/> is <c>default</c>, or an authority is <see langword="null"/> or is not a CA certificate (basicConstraints with <c>cA</c> true).</exception>
    /// <exception cref="ArgumentNullException"><paramref name="authorities"/> is <see langword="null"/>.</exception>
    /// <exception cref="System.Security.Cryptography.CryptographicException">An authority's extensions cannot be decoded.</exception>
    public X509Bundle(TrustDomain trustDomain, IEnumerable<X509Certificate2> authorities)
    {
        trustDomain.ThrowIfEmpty(nameof(trustDomain));
        ArgumentNullException.ThrowIfNull(authorities);
        var unique = new List<X509Certificate2>();
        var index = 0;
        foreach (var authority in authorities)
        {
            if (authority is null)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Authority {index} is null."), nameof(authorities));
            }

            if (!IsCertificateAuthority(authority))
            {
                // A non-CA certificate must never anchor a chain (signing certificates MUST set cA = true).
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"Authority {index} ({authority.Subject}) of trust domain '{trustDomain}' is not a CA certificate: basicConstraints cA must be true."),
                    nameof(authorities));
            }

            if (!Contains(unique, authority))
            {
                unique.Add(authority);
            }

            index++;
        }

        TrustDomain = trustDomain;
        _authorities = [.. unique];
    }

    /// <summary>
    /// Reads the authorities of a trust domain from PEM, such as a bootstrap bundle configured out of band (F-8).
    /// Every <c>CERTIFICATE</c> block is an authority; blocks with other labels are ignored.
    /// </summary>
    /// <param name="trustDomain">The trust domain the authorities belong to.</param>
    /// <param name="pem">The PEM text, at most <see cref="SpiffeBundle.MaxDocumentBytes"/> characters.</param>
    /// <returns>The bundle.</returns>
    /// <exception cref="ArgumentException"><paramref name="trustDomain"/> is <c>default</c>.</exception>
    /// <exception cref="SpiffeBundleFormatException">The text is too large, holds no certificate, or a certificate block is malformed or not a CA certificate.</exception>
    public static X509Bundle ParsePem(TrustDomain trustDomain, ReadOnlySpan<char> pem)
    {
        trustDomain.ThrowIfEmpty(nameof(trustDomain));
        if (pem.Length > SpiffeBundle.MaxDocumentBytes)
        {
            throw new SpiffeBundleFormatException(string.Create(CultureInfo.InvariantCulture, $"The PEM bundle of '{trustDomain}' is larger than {SpiffeBundle.MaxDocumentBytes} characters."));
        }

        var certificates = new List<X509Certificate2>();
        var rest = pem;
        try
        {
            while (PemEncoding.TryFind(rest, out var fields))
            {
                if (rest[fields.Label].SequenceEqual("CERTIFICATE"))
                {
                    var der = new byte[fields.DecodedDataLength];
                    if (!Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out var written))
                    {
                        throw new SpiffeBundleFormatException(string.Create(CultureInfo.InvariantCulture, $"Certificate block {certificates.Count} of the PEM bundle of '{trustDomain}' has invalid base64."));
                    }

                    certificates.Add(Load(trustDomain, der.AsSpan(0, written), certificates.Count));
                }

                rest = rest[fields.Location.End..];
            }
        }
        catch
        {
            DisposeAll(certificates);
            throw;
        }

        if (certificates.Count == 0)
        {
            // An empty X.509 bundle means "trust nothing from this trust domain"; from PEM that is far more likely a mistake.
            throw new SpiffeBundleFormatException($"The PEM bundle of '{trustDomain}' holds no CERTIFICATE block.");
        }

        return new X509Bundle(trustDomain, certificates);
    }

    /// <summary>
    /// Reads the authorities of a trust domain from concatenated DER certificates, the form of the Workload API's
    /// <c>bundle</c> and <c>federated_bundles</c> fields. Empty input gives an empty bundle, which rejects every
    /// X509-SVID of the trust domain.
    /// </summary>
    /// <param name="trustDomain">The trust domain the authorities belong to.</param>
    /// <param name="concatenatedDer">The certificates, DER, one after the other, at most <see cref="SpiffeBundle.MaxDocumentBytes"/> bytes.</param>
    /// <returns>The bundle.</returns>
    /// <exception cref="ArgumentException"><paramref name="trustDomain"/> is <c>default</c>.</exception>
    /// <exception cref="SpiffeBundleFormatException">The input is too large, or holds something other than whole DER CA certificates.</exception>
    public static X509Bundle ParseDer(TrustDomain trustDomain, ReadOnlySpan<byte> concatenatedDer)
    {
        trustDomain.ThrowIfEmpty(nameof(trustDomain));
        if (concatenatedDer.Length > SpiffeBundle.MaxDocumentBytes)
        {
            throw new SpiffeBundleFormatException(string.Create(CultureInfo.InvariantCulture, $"The DER bundle of '{trustDomain}' is larger than {SpiffeBundle.MaxDocumentBytes} bytes."));
        }

        var certificates = new List<X509Certificate2>();
        var rest = concatenatedDer;
        try
        {
            while (!rest.IsEmpty)
            {
                int length;
                try
                {
                    AsnDecoder.ReadEncodedValue(rest, AsnEncodingRules.DER, out _, out _, out length);
                }
                catch (AsnContentException exception)
                {
                    throw new SpiffeBundleFormatException(
                        string.Create(CultureInfo.InvariantCulture, $"Certificate {certificates.Count} of the DER bundle of '{trustDomain}' is not a whole DER value: {exception.Message}"), exception);
                }

                certificates.Add(Load(trustDomain, rest[..length], certificates.Count));
                rest = rest[length..];
            }
        }
        catch
        {
            DisposeAll(certificates);
            throw;
        }

        return new X509Bundle(trustDomain, certificates);
    }

    /// <summary>Gets the trust domain the authorities belong to.</summary>
    public TrustDomain TrustDomain { get; }

    /// <summary>Gets the authorities, without byte-identical duplicates.</summary>
    /// <value>An empty list when the trust domain has revoked all its X.509 keys.</value>
    public IReadOnlyList<X509Certificate2> Authorities => _authorities;

    /// <summary>Determines whether a certificate is one of the authorities, by comparing the encoded bytes.</summary>
    /// <param name="certificate">The certificate, typically the anchor of a built chain.</param>
    /// <returns><see langword="true"/> when a byte-identical certificate is an authority of this bundle.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="certificate"/> is <see langword="null"/>.</exception>
    public bool ContainsAuthority(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Contains(_authorities, certificate);
    }

    /// <summary>Determines whether another bundle holds the same trust domain and the same set of authorities.</summary>
    /// <param name="other">The other bundle.</param>
    /// <returns><see langword="true"/> when both trust the same certificates for the same trust domain, in any order.</returns>
    public bool ContentEquals(X509Bundle? other)
    {
        if (other is null || other.TrustDomain != TrustDomain || other._authorities.Length != _authorities.Length)
        {
            return false;
        }

        foreach (var authority in _authorities)
        {
            if (!Contains(other._authorities, authority))
            {
                return false;
            }
        }

        return true;
    }

    private static X509Certificate2 Load(TrustDomain trustDomain, ReadOnlySpan<byte> der, int index)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException exception)
        {
            throw new SpiffeBundleFormatException(
                string.Create(CultureInfo.InvariantCulture, $"Certificate {index} of the bundle of '{trustDomain}' cannot be decoded: {exception.Message}"), exception);
        }

        bool isAuthority;
        try
        {
            isAuthority = IsCertificateAuthority(certificate);
        }
        catch (CryptographicException exception)
        {
            certificate.Dispose();
            throw new SpiffeBundleFormatException(
                string.Create(CultureInfo.InvariantCulture, $"Certificate {index} of the bundle of '{trustDomain}' has extensions that cannot be decoded: {exception.Message}"), exception);
        }

        if (!isAuthority)
        {
            var subject = certificate.Subject;
            certificate.Dispose();
            throw new SpiffeBundleFormatException(
                string.Create(CultureInfo.InvariantCulture, $"Certificate {index} ({subject}) of the bundle of '{trustDomain}' is not a CA certificate: basicConstraints cA must be true."));
        }

        return certificate;
    }

    private static void DisposeAll(List<X509Certificate2> certificates)
    {
        foreach (var certificate in certificates)
        {
            certificate.Dispose();
        }
    }

    internal static bool IsCertificateAuthority(X509Certificate2 certificate)
    {
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509BasicConstraintsExtension basicConstraints)
            {
                return basicConstraints.CertificateAuthority;
            }
        }

        return false;
    }

    private static bool Contains(IEnumerable<X509Certificate2> certificates, X509Certificate2 candidate)
    {
        var raw = candidate.RawDataMemory.Span;
        foreach (var certificate in certificates)
        {
            if (certificate.RawDataMemory.Span.SequenceEqual(raw))
            {
                return true;
            }
        }

        return false;
    }
}
