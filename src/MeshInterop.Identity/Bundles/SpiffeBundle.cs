using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using MeshInterop.Identity.Internal;

namespace MeshInterop.Identity.Bundles;

/// <summary>
/// A SPIFFE bundle document of one trust domain: its X.509 and JWT authorities plus the optional
/// <c>spiffe_sequence</c> and <c>spiffe_refresh_hint</c>. The document does not name its trust domain, so the
/// trust domain is always given explicitly, never inferred.
/// </summary>
public sealed class SpiffeBundle
{
    /// <summary>The largest bundle document accepted, in bytes (1 MiB).</summary>
    public const int MaxDocumentBytes = 1024 * 1024;

    /// <summary>The most entries accepted in <c>keys</c>; a peer that sends more is rejected rather than parsed.</summary>
    public const int MaxKeys = 4096;

    internal const long MaxRefreshHintSeconds = 10L * 365 * 24 * 60 * 60;

    /// <summary>Initializes a new instance of the <see cref="SpiffeBundle"/> class.</summary>
    /// <param name="x509Bundle">The X.509 authorities.</param>
    /// <param name="jwtBundle">The JWT authorities; same trust domain as <paramref name="x509Bundle"/>.</param>
    /// <param name="sequenceNumber">The <c>spiffe_sequence</c>, or <see langword="null"/> to omit it.</param>
    /// <param name="refreshHint">The <c>spiffe_refresh_hint</c>, a positive whole number of seconds, or <see langword="null"/> to omit it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="x509Bundle"/> or <paramref name="jwtBundle"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The bundles belong to different trust domains.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="refreshHint"/> is not a positive whole number of seconds.</exception>
    public SpiffeBundle(X509Bundle x509Bundle, JwtBundle jwtBundle, ulong? sequenceNumber = null, TimeSpan? refreshHint = null)
        : this(x509Bundle, jwtBundle, sequenceNumber, refreshHint, [])
    {
        if (refreshHint is { } hint && (hint <= TimeSpan.Zero || hint.Ticks % TimeSpan.TicksPerSecond != 0 || hint.TotalSeconds > MaxRefreshHintSeconds))
        {
            throw new ArgumentOutOfRangeException(nameof(refreshHint), refreshHint, "The refresh hint must be a positive whole number of seconds, at most ten years.");
        }
    }

    internal SpiffeBundle(X509Bundle x509Bundle, JwtBundle jwtBundle, ulong? sequenceNumber, TimeSpan? refreshHint, IReadOnlyList<SpiffeBundleDiagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(x509Bundle);
        ArgumentNullException.ThrowIfNull(jwtBundle);
        if (x509Bundle.TrustDomain != jwtBundle.TrustDomain)
        {
            // Bundles of different trust domains are never merged.
            throw new ArgumentException($"The X.509 bundle is for '{x509Bundle.TrustDomain}' but the JWT bundle is for '{jwtBundle.TrustDomain}'.", nameof(jwtBundle));
        }

        X509Bundle = x509Bundle;
        JwtBundle = jwtBundle;
        SequenceNumber = sequenceNumber;
        RefreshHint = refreshHint;
        Diagnostics = diagnostics;
    }

    /// <summary>Gets the trust domain the document belongs to.</summary>
    public TrustDomain TrustDomain => X509Bundle.TrustDomain;

    /// <summary>Gets the X.509 authorities (from <c>x509-svid</c> entries).</summary>
    public X509Bundle X509Bundle { get; }

    /// <summary>Gets the JWT authorities (from <c>jwt-svid</c> entries).</summary>
    public JwtBundle JwtBundle { get; }

    /// <summary>Gets the <c>spiffe_sequence</c>, which increases whenever the content changes.</summary>
    /// <value><see langword="null"/> when absent or invalid.</value>
    public ulong? SequenceNumber { get; }

    /// <summary>Gets the <c>spiffe_refresh_hint</c>: how often the publisher suggests polling. Only a hint.</summary>
    /// <value><see langword="null"/> when absent or invalid.</value>
    public TimeSpan? RefreshHint { get; }

    /// <summary>Gets what parsing ignored or tolerated (entries and top-level members), for logging.</summary>
    /// <value>Empty for a bundle that was not parsed, or that had nothing to report.</value>
    public IReadOnlyList<SpiffeBundleDiagnostic> Diagnostics { get; }

    /// <summary>
    /// Parses a bundle document. Document-level problems throw; problems with single entries skip the entry and are
    /// listed in <see cref="Diagnostics"/>, so one bad key never makes the whole trust domain unavailable.
    /// </summary>
    /// <param name="utf8Json">The document, UTF-8, at most <see cref="MaxDocumentBytes"/>.</param>
    /// <param name="trustDomain">The trust domain the document was obtained for.</param>
    /// <returns>The bundle.</returns>
    /// <exception cref="ArgumentException"><paramref name="trustDomain"/> is <c>default</c>.</exception>
    /// <exception cref="SpiffeBundleFormatException">The document is too large, not UTF-8 JSON, not an object, has a duplicate member, has no <c>keys</c> array, or has more than <see cref="MaxKeys"/> keys.</exception>
    public static SpiffeBundle Parse(ReadOnlySpan<byte> utf8Json, TrustDomain trustDomain)
    {
        trustDomain.ThrowIfEmpty(nameof(trustDomain));
        return SpiffeBundleReader.Read(utf8Json, trustDomain);
    }

    /// <summary>Tries to parse a bundle document; see <see cref="Parse"/>.</summary>
    /// <param name="utf8Json">The document, UTF-8, at most <see cref="MaxDocumentBytes"/>.</param>
    /// <param name="trustDomain">The trust domain the document was obtained for.</param>
    /// <param name="bundle">The bundle on success.</param>
    /// <param name="error">Why the document was rejected, on failure.</param>
    /// <returns><see langword="true"/> when the document was parsed.</returns>
    /// <exception cref="ArgumentException"><paramref name="trustDomain"/> is <c>default</c>.</exception>
    public static bool TryParse(ReadOnlySpan<byte> utf8Json, TrustDomain trustDomain, [NotNullWhen(true)] out SpiffeBundle? bundle, [NotNullWhen(false)] out string? error)
    {
        trustDomain.ThrowIfEmpty(nameof(trustDomain));
        try
        {
            bundle = SpiffeBundleReader.Read(utf8Json, trustDomain);
            error = null;
            return true;
        }
        catch (SpiffeBundleFormatException exception)
        {
            bundle = null;
            error = exception.Message;
            return false;
        }
    }

    /// <summary>
    /// Writes the document: every X.509 authority as an <c>x509-svid</c> entry with its key parameters and a single
    /// <c>x5c</c> certificate, every JWT authority as a <c>jwt-svid</c> entry with its <c>kid</c>, then the sequence
    /// number and refresh hint when set.
    /// </summary>
    /// <param name="writer">Where to write.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> is <see langword="null"/>.</exception>
    /// <exception cref="NotSupportedException">An X.509 authority has a key other than RSA or EC P-256/P-384/P-521, which a JWK cannot describe here.</exception>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteStartArray("keys"u8);
        foreach (var authority in X509Bundle.Authorities)
        {
            var key = JwkKeyMaterial.FromCertificate(authority)
                ?? throw new NotSupportedException($"Authority '{authority.Subject}' of '{TrustDomain}' has a key type that cannot be written as a JWK.");
            writer.WriteStartObject();
            writer.WriteString("use"u8, "x509-svid"u8);
            WriteKey(writer, key);
            writer.WriteStartArray("x5c"u8);
            writer.WriteBase64StringValue(authority.RawDataMemory.Span);
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        foreach (var authority in JwtBundle.Authorities.Values.OrderBy(static a => a.KeyId, StringComparer.Ordinal))
        {
            writer.WriteStartObject();
            writer.WriteString("use"u8, "jwt-svid"u8);
            writer.WriteString("kid"u8, authority.KeyId);
            WriteKey(writer, authority.Key);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        if (SequenceNumber is { } sequence)
        {
            writer.WriteNumber("spiffe_sequence"u8, sequence);
        }

        if (RefreshHint is { } hint)
        {
            writer.WriteNumber("spiffe_refresh_hint"u8, (long)hint.TotalSeconds);
        }

        writer.WriteEndObject();
    }

    /// <summary>Serialises the document to UTF-8 JSON; see <see cref="WriteTo"/>.</summary>
    /// <returns>The document.</returns>
    /// <exception cref="NotSupportedException">An X.509 authority has a key other than RSA or EC P-256/P-384/P-521.</exception>
    public byte[] ToUtf8Json()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteKey(Utf8JsonWriter writer, JwkKeyMaterial key)
    {
        if (key.KeyType == JwtKeyType.Rsa)
        {
            writer.WriteString("kty"u8, "RSA"u8);
            WriteBase64Url(writer, "n"u8, key.First);
            WriteBase64Url(writer, "e"u8, key.Second);
        }
        else
        {
            writer.WriteString("kty"u8, "EC"u8);
            writer.WriteString("crv"u8, key.Curve);
            WriteBase64Url(writer, "x"u8, key.First);
            WriteBase64Url(writer, "y"u8, key.Second);
        }
    }

    private static void WriteBase64Url(Utf8JsonWriter writer, ReadOnlySpan<byte> name, byte[] value)
        => writer.WriteString(name, Base64Url.EncodeToString(value));
}
