using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Unicode;
using MeshInterop.Identity.Bundles;

namespace MeshInterop.Identity.Internal;

/// <summary>
/// Reads a SPIFFE bundle document (an RFC 7517 JWK Set with SPIFFE members) following reference sections 4.2 and
/// 4.3: document-level problems reject the document, entry-level problems skip the entry with a diagnostic.
/// </summary>
internal static class SpiffeBundleReader
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowDuplicateProperties = false,   // System.Text.Json keeps the last duplicate by default
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 16,
    };

    public static SpiffeBundle Read(ReadOnlySpan<byte> utf8Json, TrustDomain trustDomain)
    {
        using var document = ParseDocument(utf8Json, SpiffeBundle.MaxDocumentBytes, $"The bundle document of '{trustDomain}'");
        return Read(document.RootElement, trustDomain);
    }

    /// <summary>Parses SPIFFE JSON: size-capped, UTF-8 only, strict syntax, duplicate members rejected at every level.</summary>
    public static JsonDocument ParseDocument(ReadOnlySpan<byte> utf8Json, int maxBytes, string what)
    {
        if (utf8Json.Length > maxBytes)
        {
            throw new SpiffeBundleFormatException(string.Create(CultureInfo.InvariantCulture,
                $"{what} is {utf8Json.Length} bytes, more than the limit of {maxBytes}."));
        }

        // The JSON reader checks UTF-8 only in strings it unescapes; the whole document must be UTF-8.
        if (!Utf8.IsValid(utf8Json))
        {
            throw new SpiffeBundleFormatException($"{what} is not valid UTF-8.");
        }

        try
        {
            return JsonDocument.Parse(utf8Json.ToArray(), DocumentOptions);
        }
        catch (JsonException exception)
        {
            throw new SpiffeBundleFormatException($"{what} is not valid JSON without duplicate members: {exception.Message}", exception);
        }
    }

    public static SpiffeBundle Read(JsonElement root, TrustDomain trustDomain)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new SpiffeBundleFormatException($"The bundle document of '{trustDomain}' must be a JSON object, not {root.ValueKind}.");
        }

        if (!root.TryGetProperty("keys"u8, out var keys) || keys.ValueKind != JsonValueKind.Array)
        {
            throw new SpiffeBundleFormatException($"The bundle document of '{trustDomain}' must have a 'keys' array.");
        }

        var keyCount = keys.GetArrayLength();
        if (keyCount > SpiffeBundle.MaxKeys)
        {
            throw new SpiffeBundleFormatException(string.Create(CultureInfo.InvariantCulture,
                $"The bundle document of '{trustDomain}' has {keyCount} keys, more than the limit of {SpiffeBundle.MaxKeys}."));
        }

        var diagnostics = new List<SpiffeBundleDiagnostic>();
        var sequence = ReadSequence(root, diagnostics);
        var refreshHint = ReadRefreshHint(root, diagnostics);
        var x509Authorities = new List<X509Certificate2>();
        var jwtCandidates = new List<(int Index, JwtAuthority Authority)>();
        var index = 0;
        foreach (var entry in keys.EnumerateArray())
        {
            ReadEntry(entry, index, x509Authorities, jwtCandidates, diagnostics);
            index++;
        }

        return new SpiffeBundle(
            new X509Bundle(trustDomain, x509Authorities),
            new JwtBundle(trustDomain, DropDuplicateKeyIds(jwtCandidates, diagnostics)),
            sequence,
            refreshHint,
            diagnostics);
    }

    private static void ReadEntry(JsonElement entry, int index, List<X509Certificate2> x509Authorities, List<(int, JwtAuthority)> jwtCandidates, List<SpiffeBundleDiagnostic> diagnostics)
    {
        if (entry.ValueKind != JsonValueKind.Object)
        {
            Ignore(diagnostics, index, SpiffeBundleIssue.EntryNotObject, $"is a JSON {entry.ValueKind}, not an object");
            return;
        }

        // 'use' decides which rules apply, so it is checked first; a missing or unknown value ignores the entry.
        var use = ReadString(entry, "use");
        if (use is null)
        {
            Ignore(diagnostics, index, SpiffeBundleIssue.MissingUse, "has no 'use'");
            return;
        }

        var isX509 = string.Equals(use, "x509-svid", StringComparison.Ordinal);
        if (!isX509 && !string.Equals(use, "jwt-svid", StringComparison.Ordinal))
        {
            var issue = string.Equals(use, "wit-svid", StringComparison.Ordinal) ? SpiffeBundleIssue.WitSvidEntry : SpiffeBundleIssue.UnknownUse;
            Ignore(diagnostics, index, issue, $"has 'use' \"{PeerText.Printable(use)}\", which is not consumed");
            return;
        }

        var kty = ReadString(entry, "kty");
        if (kty is null)
        {
            Ignore(diagnostics, index, SpiffeBundleIssue.MissingKeyType, "has no 'kty'");
            return;
        }

        JwtKeyType keyType;
        if (string.Equals(kty, "RSA", StringComparison.Ordinal))
        {
            keyType = JwtKeyType.Rsa;
        }
        else if (string.Equals(kty, "EC", StringComparison.Ordinal))
        {
            keyType = JwtKeyType.EllipticCurve;
        }
        else
        {
            Ignore(diagnostics, index, SpiffeBundleIssue.UnknownKeyType, $"has unknown 'kty' \"{PeerText.Printable(kty)}\"");
            return;
        }

        if (isX509)
        {
            var authority = ReadX509Entry(entry, index, keyType, diagnostics);
            if (authority is not null)
            {
                x509Authorities.Add(authority);
            }

            return;
        }

        var keyId = ReadString(entry, "kid");
        if (string.IsNullOrEmpty(keyId))
        {
            Ignore(diagnostics, index, SpiffeBundleIssue.MissingKeyId, "is a jwt-svid key without a 'kid'");
            return;
        }

        var key = JwkKeyMaterial.FromJwk(entry, keyType, out var problem);
        if (key is null || !key.IsUsable())
        {
            Ignore(diagnostics, index, SpiffeBundleIssue.InvalidKeyParameters, $"has invalid key parameters: {problem ?? "the platform rejects the key"}");
            return;
        }

        jwtCandidates.Add((index, new JwtAuthority(keyId, key)));
    }

    private static X509Certificate2? ReadX509Entry(JsonElement entry, int index, JwtKeyType keyType, List<SpiffeBundleDiagnostic> diagnostics)
    {
        if (!entry.TryGetProperty("x5c"u8, out var chain) || chain.ValueKind != JsonValueKind.Array || chain.GetArrayLength() == 0)
        {
            Ignore(diagnostics, index, SpiffeBundleIssue.MissingCertificate, "is an x509-svid key without a non-empty 'x5c' array");
            return null;
        }

        X509Certificate2 certificate;
        try
        {
            var first = chain[0];
            if (first.ValueKind != JsonValueKind.String)
            {
                Ignore(diagnostics, index, SpiffeBundleIssue.UndecodableCertificate, "has an 'x5c[0]' that is not a string");
                return null;
            }

            certificate = X509CertificateLoader.LoadCertificate(first.GetBytesFromBase64());
        }
        catch (Exception exception) when (exception is FormatException or InvalidOperationException or CryptographicException)
        {
            Ignore(diagnostics, index, SpiffeBundleIssue.UndecodableCertificate, $"has an 'x5c[0]' that is not base64 DER of a certificate: {exception.Message}");
            return null;
        }

        bool isAuthority;
        JwkKeyMaterial? certificateKey;
        try
        {
            isAuthority = X509Bundle.IsCertificateAuthority(certificate);
            certificateKey = isAuthority ? JwkKeyMaterial.FromCertificate(certificate) : null;
        }
        catch (CryptographicException exception)
        {
            // A certificate can load and still carry an undecodable extension or public key.
            Ignore(diagnostics, index, SpiffeBundleIssue.UndecodableCertificate, $"holds a certificate whose extensions or key cannot be decoded: {exception.Message}");
            certificate.Dispose();
            return null;
        }

        if (!isAuthority)
        {
            Ignore(diagnostics, index, SpiffeBundleIssue.NotCertificateAuthority, $"holds certificate '{certificate.Subject}', which is not a CA (cA must be true)");
            certificate.Dispose();
            return null;
        }

        if (certificateKey is null || certificateKey.KeyType != keyType)
        {
            Ignore(diagnostics, index, SpiffeBundleIssue.KeyMismatch, $"declares 'kty' {keyType}, which does not match the key of certificate '{certificate.Subject}'");
            certificate.Dispose();
            return null;
        }

        if (JwkKeyMaterial.HasKeyParameters(entry))
        {
            var declared = JwkKeyMaterial.FromJwk(entry, keyType, out var problem);
            if (declared is null || !declared.SameKey(certificateKey))
            {
                Ignore(diagnostics, index, SpiffeBundleIssue.KeyMismatch, $"has key parameters that differ from the key of certificate '{certificate.Subject}'{(problem is null ? string.Empty : ": " + problem)}");
                certificate.Dispose();
                return null;
            }
        }

        if (entry.TryGetProperty("kid"u8, out _))
        {
            diagnostics.Add(new SpiffeBundleDiagnostic(index, SpiffeBundleIssue.UnexpectedKeyId, false, Describe(index, "is an x509-svid key with a 'kid', which publishers must not set; tolerated")));
        }

        if (chain.GetArrayLength() > 1)
        {
            diagnostics.Add(new SpiffeBundleDiagnostic(index, SpiffeBundleIssue.ExtraCertificates, false, Describe(index, "has more than one 'x5c' certificate; only the first is used")));
        }

        return certificate;
    }

    private static List<JwtAuthority> DropDuplicateKeyIds(List<(int Index, JwtAuthority Authority)> candidates, List<SpiffeBundleDiagnostic> diagnostics)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (_, authority) in candidates)
        {
            counts[authority.KeyId] = counts.GetValueOrDefault(authority.KeyId) + 1;
        }

        var kept = new List<JwtAuthority>(candidates.Count);
        foreach (var (index, authority) in candidates)
        {
            if (counts[authority.KeyId] == 1)
            {
                kept.Add(authority);
            }
            else
            {
                // Which key a token names would be ambiguous: drop every entry with that kid.
                Ignore(diagnostics, index, SpiffeBundleIssue.DuplicateKeyId, $"shares 'kid' \"{PeerText.Printable(authority.KeyId)}\" with another jwt-svid key");
            }
        }

        return kept;
    }

    private static ulong? ReadSequence(JsonElement root, List<SpiffeBundleDiagnostic> diagnostics)
    {
        if (!root.TryGetProperty("spiffe_sequence"u8, out var element))
        {
            return null;
        }

        if (element.ValueKind == JsonValueKind.Number && element.TryGetUInt64(out var sequence))
        {
            return sequence;
        }

        diagnostics.Add(new SpiffeBundleDiagnostic(null, SpiffeBundleIssue.InvalidSequence, true,
            $"'spiffe_sequence' {PeerText.Printable(element.GetRawText())} is not an integer from 0 to 2^64-1; treated as absent"));
        return null;
    }

    private static TimeSpan? ReadRefreshHint(JsonElement root, List<SpiffeBundleDiagnostic> diagnostics)
    {
        if (!root.TryGetProperty("spiffe_refresh_hint"u8, out var element))
        {
            return null;
        }

        if (element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out var seconds) && seconds > 0 && seconds <= SpiffeBundle.MaxRefreshHintSeconds)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        diagnostics.Add(new SpiffeBundleDiagnostic(null, SpiffeBundleIssue.InvalidRefreshHint, true,
            $"'spiffe_refresh_hint' {PeerText.Printable(element.GetRawText())} is not a positive whole number of seconds; treated as absent"));
        return null;
    }

    private static string? ReadString(JsonElement entry, string name)
        => entry.TryGetProperty(name, out var element) && element.ValueKind == JsonValueKind.String ? element.GetString() : null;

    private static void Ignore(List<SpiffeBundleDiagnostic> diagnostics, int index, SpiffeBundleIssue issue, string detail)
        => diagnostics.Add(new SpiffeBundleDiagnostic(index, issue, true, Describe(index, detail) + "; entry ignored"));

    private static string Describe(int index, string detail) => string.Create(CultureInfo.InvariantCulture, $"keys[{index}] {detail}");
}
