using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Json.Serialization;
using MeshInterop.Identity.Internal;
using MeshInterop.Identity.Serialization;

namespace MeshInterop.Identity;

/// <summary>
/// A validated SPIFFE ID, <c>spiffe://&lt;trust-domain&gt;[/path]</c>, held in its canonical form.
/// </summary>
/// <remarks>
/// Equality, hashing and ordering are ordinal over the canonical string. <c>default(SpiffeId)</c> is not a valid
/// ID: <see cref="IsEmpty"/> is true, every API that takes a <see cref="SpiffeId"/> rejects it, and the builders
/// throw <see cref="InvalidOperationException"/> on it. Parsing never goes through <c>System.Uri</c>,
/// regular expressions or culture-sensitive APIs, so what is validated is exactly what was signed.
/// </remarks>
[JsonConverter(typeof(SpiffeIdJsonConverter))]
[TypeConverter(typeof(SpiffeIdTypeConverter))]
public readonly struct SpiffeId : IEquatable<SpiffeId>, IComparable<SpiffeId>, ISpanParsable<SpiffeId>, ISpanFormattable, IUtf8SpanFormattable
{
    /// <summary>The longest SPIFFE ID, in bytes (equal to characters, as valid IDs are ASCII), accepted by strict parsing and produced by the builders (ID-10).</summary>
    public const int MaxLength = 2048;

    private readonly string? _value;
    private readonly int _pathStart;

    private SpiffeId(string value, int pathStart)
    {
        _value = value;
        _pathStart = pathStart;
    }

    /// <summary>Gets a value indicating whether this is <c>default(SpiffeId)</c>, which is not a valid ID.</summary>
    public bool IsEmpty => _value is null;

    /// <summary>Gets the trust domain of the ID.</summary>
    /// <value><c>default(TrustDomain)</c> for <c>default(SpiffeId)</c>.</value>
    public TrustDomain TrustDomain => _value is null
        ? default
        : new TrustDomain(_value, SpiffeIdScanner.PrefixLength, _pathStart - SpiffeIdScanner.PrefixLength);

    /// <summary>Gets the path of the ID, such as <c>/ns/prod/sa/web</c>; empty for a trust domain's own (root-path) ID.</summary>
    public ReadOnlySpan<char> Path => _value is null ? default : _value.AsSpan(_pathStart);

    /// <summary>Gets a value indicating whether the path is empty, so the ID names a trust domain rather than a workload.</summary>
    public bool IsRootPath => _value is not null && _pathStart == _value.Length;

    /// <summary>Gets the length of the canonical form, in characters.</summary>
    public int Length => _value?.Length ?? 0;

    /// <summary>Determines whether two IDs are equal (ordinal).</summary>
    /// <param name="left">The first ID.</param>
    /// <param name="right">The second ID.</param>
    /// <returns><see langword="true"/> when both are equal.</returns>
    public static bool operator ==(SpiffeId left, SpiffeId right) => left.Equals(right);

    /// <summary>Determines whether two IDs differ (ordinal).</summary>
    /// <param name="left">The first ID.</param>
    /// <param name="right">The second ID.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(SpiffeId left, SpiffeId right) => !left.Equals(right);

    /// <summary>Compares two IDs ordinally.</summary>
    /// <param name="left">The first ID.</param>
    /// <param name="right">The second ID.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts first.</returns>
    public static bool operator <(SpiffeId left, SpiffeId right) => left.CompareTo(right) < 0;

    /// <summary>Compares two IDs ordinally.</summary>
    /// <param name="left">The first ID.</param>
    /// <param name="right">The second ID.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts first or both are equal.</returns>
    public static bool operator <=(SpiffeId left, SpiffeId right) => left.CompareTo(right) <= 0;

    /// <summary>Compares two IDs ordinally.</summary>
    /// <param name="left">The first ID.</param>
    /// <param name="right">The second ID.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts last.</returns>
    public static bool operator >(SpiffeId left, SpiffeId right) => left.CompareTo(right) > 0;

    /// <summary>Compares two IDs ordinally.</summary>
    /// <param name="left">The first ID.</param>
    /// <param name="right">The second ID.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts last or both are equal.</returns>
    public static bool operator >=(SpiffeId left, SpiffeId right) => left.CompareTo(right) >= 0;

    /// <summary>Checks a SPIFFE ID without allocating.</summary>
    /// <param name="value">The candidate ID.</param>
    /// <param name="options">Opt-in relaxations.</param>
    /// <returns><see cref="SpiffeIdError.None"/> when valid; otherwise the first error met.</returns>
    public static SpiffeIdError Validate(ReadOnlySpan<char> value, SpiffeIdParseOptions options = SpiffeIdParseOptions.Strict)
        => SpiffeIdScanner.ScanId(value, options).Error;

    /// <summary>Checks a path: empty, or one or more <c>/segment</c> parts (ID-6 to ID-9).</summary>
    /// <param name="path">The candidate path, such as <c>/ns/prod</c>.</param>
    /// <returns><see cref="SpiffeIdError.None"/> when valid; otherwise the first error met.</returns>
    public static SpiffeIdError ValidatePath(ReadOnlySpan<char> path) => SpiffeIdScanner.ScanPath(path, out _);

    /// <summary>Checks a single path segment, given without slashes.</summary>
    /// <param name="segment">The candidate segment, such as <c>prod</c>.</param>
    /// <returns><see cref="SpiffeIdError.None"/> when valid; otherwise the first error met.</returns>
    public static SpiffeIdError ValidatePathSegment(ReadOnlySpan<char> segment) => SpiffeIdScanner.ScanSegment(segment, out _);

    /// <summary>Parses a SPIFFE ID strictly.</summary>
    /// <param name="value">The ID.</param>
    /// <returns>The ID; when <paramref name="value"/> is canonical, it holds that string instance.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="SpiffeIdFormatException"><paramref name="value"/> is not a valid SPIFFE ID.</exception>
    public static SpiffeId Parse(string value) => Parse(value, SpiffeIdParseOptions.Strict);

    /// <summary>Parses a SPIFFE ID.</summary>
    /// <param name="value">The ID.</param>
    /// <param name="options">Opt-in relaxations.</param>
    /// <returns>The ID; when <paramref name="value"/> is canonical, it holds that string instance.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="SpiffeIdFormatException"><paramref name="value"/> is not a valid SPIFFE ID.</exception>
    public static SpiffeId Parse(string value, SpiffeIdParseOptions options)
    {
        ArgumentNullException.ThrowIfNull(value);
        return TryParse(value, options, out var id, out var error, out var index) ? id : throw new SpiffeIdFormatException(error, index);
    }

    /// <summary>Strictly parses a SPIFFE ID.</summary>
    /// <param name="value">The ID.</param>
    /// <returns>The ID.</returns>
    /// <exception cref="SpiffeIdFormatException"><paramref name="value"/> is not a valid SPIFFE ID.</exception>
    public static SpiffeId Parse(ReadOnlySpan<char> value) => Parse(value, SpiffeIdParseOptions.Strict);

    /// <summary>Parses a SPIFFE ID.</summary>
    /// <param name="value">The ID.</param>
    /// <param name="options">Opt-in relaxations.</param>
    /// <returns>The ID.</returns>
    /// <exception cref="SpiffeIdFormatException"><paramref name="value"/> is not a valid SPIFFE ID.</exception>
    public static SpiffeId Parse(ReadOnlySpan<char> value, SpiffeIdParseOptions options)
        => TryParse(value, options, out var id, out var error, out var index) ? id : throw new SpiffeIdFormatException(error, index);

    /// <summary>Strictly parses a SPIFFE ID from UTF-8 bytes, such as the raw bytes of a certificate URI SAN.</summary>
    /// <param name="utf8Value">The ID as UTF-8.</param>
    /// <returns>The ID.</returns>
    /// <exception cref="SpiffeIdFormatException"><paramref name="utf8Value"/> is not a valid SPIFFE ID.</exception>
    public static SpiffeId Parse(ReadOnlySpan<byte> utf8Value) => Parse(utf8Value, SpiffeIdParseOptions.Strict);

    /// <summary>Parses a SPIFFE ID from UTF-8 bytes, such as the raw bytes of a certificate URI SAN.</summary>
    /// <param name="utf8Value">The ID as UTF-8.</param>
    /// <param name="options">Opt-in relaxations.</param>
    /// <returns>The ID.</returns>
    /// <exception cref="SpiffeIdFormatException"><paramref name="utf8Value"/> is not a valid SPIFFE ID.</exception>
    public static SpiffeId Parse(ReadOnlySpan<byte> utf8Value, SpiffeIdParseOptions options)
        => TryParse(utf8Value, options, out var id, out var error, out var index) ? id : throw new SpiffeIdFormatException(error, index);

    /// <summary>Tries to parse a SPIFFE ID strictly.</summary>
    /// <param name="value">The candidate ID.</param>
    /// <param name="id">The ID on success; when <paramref name="value"/> is canonical, it holds that string instance, so nothing is allocated.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is a valid SPIFFE ID.</returns>
    public static bool TryParse([NotNullWhen(true)] string? value, out SpiffeId id)
        => TryParse(value, SpiffeIdParseOptions.Strict, out id, out _, out _);

    /// <summary>Tries to parse a SPIFFE ID.</summary>
    /// <param name="value">The candidate ID.</param>
    /// <param name="options">Opt-in relaxations.</param>
    /// <param name="id">The ID on success; when <paramref name="value"/> is canonical, it holds that string instance, so nothing is allocated.</param>
    /// <param name="error">What is wrong, or <see cref="SpiffeIdError.None"/>.</param>
    /// <param name="index">The index of the offending character, or 0.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is a valid SPIFFE ID.</returns>
    public static bool TryParse([NotNullWhen(true)] string? value, SpiffeIdParseOptions options, out SpiffeId id, out SpiffeIdError error, out int index)
    {
        if (value is null)
        {
            id = default;
            error = SpiffeIdError.Empty;
            index = 0;
            return false;
        }

        var scan = SpiffeIdScanner.ScanId(value.AsSpan(), options);
        error = scan.Error;
        index = scan.Index;
        if (!scan.IsValid)
        {
            id = default;
            return false;
        }

        // A canonical input is kept as it is: parsing a string allocates nothing.
        id = new SpiffeId(scan.NeedsFolding ? SpiffeIdScanner.Materialize(value.AsSpan(), scan) : value, scan.TrustDomainEnd);
        return true;
    }

    /// <summary>Tries to parse a SPIFFE ID strictly.</summary>
    /// <param name="value">The candidate ID.</param>
    /// <param name="id">The ID on success.</param>
    /// <param name="error">What is wrong, or <see cref="SpiffeIdError.None"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is a valid SPIFFE ID.</returns>
    public static bool TryParse(ReadOnlySpan<char> value, out SpiffeId id, out SpiffeIdError error)
        => TryParse(value, SpiffeIdParseOptions.Strict, out id, out error, out _);

    /// <summary>Tries to parse a SPIFFE ID. Nothing is allocated on failure, and one string on success.</summary>
    /// <param name="value">The candidate ID.</param>
    /// <param name="options">Opt-in relaxations.</param>
    /// <param name="id">The ID on success.</param>
    /// <param name="error">What is wrong, or <see cref="SpiffeIdError.None"/>.</param>
    /// <param name="index">The index of the offending character, or 0.</param>
    /// <returns><see langword="true"/> when <paramref name="value"/> is a valid SPIFFE ID.</returns>
    public static bool TryParse(ReadOnlySpan<char> value, SpiffeIdParseOptions options, out SpiffeId id, out SpiffeIdError error, out int index)
        => TryParseCore(value, options, out id, out error, out index);

    /// <summary>Tries to parse a SPIFFE ID strictly from UTF-8 bytes, such as the raw bytes of a certificate URI SAN.</summary>
    /// <param name="utf8Value">The candidate ID as UTF-8.</param>
    /// <param name="id">The ID on success.</param>
    /// <param name="error">What is wrong, or <see cref="SpiffeIdError.None"/>.</param>
    /// <returns><see langword="true"/> when <paramref name="utf8Value"/> is a valid SPIFFE ID.</returns>
    public static bool TryParse(ReadOnlySpan<byte> utf8Value, out SpiffeId id, out SpiffeIdError error)
        => TryParse(utf8Value, SpiffeIdParseOptions.Strict, out id, out error, out _);

    /// <summary>
    /// Tries to parse a SPIFFE ID from UTF-8 bytes, such as the raw bytes of a certificate URI SAN. The bytes are
    /// validated as they are (never decoded or normalised); nothing is allocated on failure, and one string on success.
    /// </summary>
    /// <param name="utf8Value">The candidate ID as UTF-8.</param>
    /// <param name="options">Opt-in relaxations; leave strict for identities read from certificates or tokens.</param>
    /// <param name="id">The ID on success.</param>
    /// <param name="error">What is wrong, or <see cref="SpiffeIdError.None"/>.</param>
    /// <param name="index">The byte index of the offending byte, or 0.</param>
    /// <returns><see langword="true"/> when <paramref name="utf8Value"/> is a valid SPIFFE ID.</returns>
    public static bool TryParse(ReadOnlySpan<byte> utf8Value, SpiffeIdParseOptions options, out SpiffeId id, out SpiffeIdError error, out int index)
        => TryParseCore(utf8Value, options, out id, out error, out index);

    /// <summary>Creates the ID of a trust domain with a path.</summary>
    /// <param name="trustDomain">The trust domain.</param>
    /// <param name="path">The path: empty, or starting with <c>/</c>, such as <c>/ns/prod/sa/web</c>.</param>
    /// <returns>The ID.</returns>
    /// <exception cref="ArgumentException"><paramref name="trustDomain"/> is <c>default</c>.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="SpiffeIdFormatException">The path is invalid (the index refers to it), or the ID would exceed <see cref="MaxLength"/>.</exception>
    public static SpiffeId FromPath(TrustDomain trustDomain, string path)
    {
        trustDomain.ThrowIfEmpty();
        ArgumentNullException.ThrowIfNull(path);
        return Build(trustDomain.AsSpan(), ReadOnlySpan<char>.Empty, path);
    }

    /// <summary>Creates the ID of a trust domain with a path made of segments.</summary>
    /// <param name="trustDomain">The trust domain.</param>
    /// <param name="segments">The segments, each without slashes; none gives the trust domain's own ID.</param>
    /// <returns>The ID.</returns>
    /// <exception cref="ArgumentException"><paramref name="trustDomain"/> is <c>default</c>.</exception>
    /// <exception cref="ArgumentNullException">A segment is <see langword="null"/>.</exception>
    /// <exception cref="SpiffeIdFormatException">A segment is invalid (the index refers to it), or the ID would exceed <see cref="MaxLength"/>.</exception>
    public static SpiffeId FromSegments(TrustDomain trustDomain, params ReadOnlySpan<string> segments)
    {
        trustDomain.ThrowIfEmpty();
        return Build(trustDomain.AsSpan(), ReadOnlySpan<char>.Empty, JoinSegments(segments));
    }

    /// <summary>Creates an ID with this ID's path followed by <paramref name="path"/>.</summary>
    /// <param name="path">The path to append: empty, or starting with <c>/</c>.</param>
    /// <returns>The new ID.</returns>
    /// <exception cref="InvalidOperationException">This is <c>default(SpiffeId)</c>.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="SpiffeIdFormatException">The path is invalid (the index refers to it), or the ID would exceed <see cref="MaxLength"/>.</exception>
    public SpiffeId AppendPath(string path)
    {
        var value = RequireValue();
        ArgumentNullException.ThrowIfNull(path);
        return Build(value.AsSpan(SpiffeIdScanner.PrefixLength, _pathStart - SpiffeIdScanner.PrefixLength), Path, path);
    }

    /// <summary>Creates an ID with this ID's path followed by <paramref name="segments"/>.</summary>
    /// <param name="segments">The segments to append, each without slashes.</param>
    /// <returns>The new ID.</returns>
    /// <exception cref="InvalidOperationException">This is <c>default(SpiffeId)</c>.</exception>
    /// <exception cref="ArgumentNullException">A segment is <see langword="null"/>.</exception>
    /// <exception cref="SpiffeIdFormatException">A segment is invalid (the index refers to it), or the ID would exceed <see cref="MaxLength"/>.</exception>
    public SpiffeId AppendSegments(params ReadOnlySpan<string> segments)
    {
        var value = RequireValue();
        return Build(value.AsSpan(SpiffeIdScanner.PrefixLength, _pathStart - SpiffeIdScanner.PrefixLength), Path, JoinSegments(segments));
    }

    /// <summary>Creates an ID in the same trust domain with another path.</summary>
    /// <param name="path">The new path: empty, or starting with <c>/</c>.</param>
    /// <returns>The new ID.</returns>
    /// <exception cref="InvalidOperationException">This is <c>default(SpiffeId)</c>.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is <see langword="null"/>.</exception>
    /// <exception cref="SpiffeIdFormatException">The path is invalid (the index refers to it), or the ID would exceed <see cref="MaxLength"/>.</exception>
    public SpiffeId ReplacePath(string path)
    {
        var value = RequireValue();
        ArgumentNullException.ThrowIfNull(path);
        return Build(value.AsSpan(SpiffeIdScanner.PrefixLength, _pathStart - SpiffeIdScanner.PrefixLength), ReadOnlySpan<char>.Empty, path);
    }

    /// <summary>Creates an ID in the same trust domain with a path made of <paramref name="segments"/>.</summary>
    /// <param name="segments">The new segments, each without slashes; none gives the trust domain's own ID.</param>
    /// <returns>The new ID.</returns>
    /// <exception cref="InvalidOperationException">This is <c>default(SpiffeId)</c>.</exception>
    /// <exception cref="ArgumentNullException">A segment is <see langword="null"/>.</exception>
    /// <exception cref="SpiffeIdFormatException">A segment is invalid (the index refers to it), or the ID would exceed <see cref="MaxLength"/>.</exception>
    public SpiffeId ReplaceSegments(params ReadOnlySpan<string> segments)
    {
        var value = RequireValue();
        return Build(value.AsSpan(SpiffeIdScanner.PrefixLength, _pathStart - SpiffeIdScanner.PrefixLength), ReadOnlySpan<char>.Empty, JoinSegments(segments));
    }

    /// <summary>Determines whether the ID belongs to a trust domain (ordinal comparison of canonical names, ID-12).</summary>
    /// <param name="trustDomain">The trust domain.</param>
    /// <returns><see langword="true"/> when the ID's trust domain is <paramref name="trustDomain"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="trustDomain"/> is <c>default</c>.</exception>
    public bool MemberOf(TrustDomain trustDomain)
    {
        trustDomain.ThrowIfEmpty();
        return _value is not null
            && _value.AsSpan(SpiffeIdScanner.PrefixLength, _pathStart - SpiffeIdScanner.PrefixLength).SequenceEqual(trustDomain.AsSpan());
    }

    /// <inheritdoc/>
    public bool Equals(SpiffeId other) => string.Equals(_value, other._value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SpiffeId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _value is null ? 0 : string.GetHashCode(_value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public int CompareTo(SpiffeId other) => string.CompareOrdinal(_value, other._value);

    /// <summary>Returns the canonical form, such as <c>spiffe://example.org/ns/prod</c>.</summary>
    /// <returns>The canonical form; an empty string for <c>default(SpiffeId)</c>.</returns>
    public override string ToString() => _value ?? string.Empty;

    /// <summary>Writes the canonical form as UTF-16.</summary>
    /// <param name="destination">Where to write.</param>
    /// <param name="charsWritten">How many characters were written.</param>
    /// <returns><see langword="false"/> when <paramref name="destination"/> is too small.</returns>
    public bool TryFormat(Span<char> destination, out int charsWritten)
    {
        var value = _value.AsSpan();
        if (value.TryCopyTo(destination))
        {
            charsWritten = value.Length;
            return true;
        }

        charsWritten = 0;
        return false;
    }

    /// <summary>Writes the canonical form as UTF-8 (which, for a SPIFFE ID, is ASCII).</summary>
    /// <param name="utf8Destination">Where to write.</param>
    /// <param name="bytesWritten">How many bytes were written.</param>
    /// <returns><see langword="false"/> when <paramref name="utf8Destination"/> is too small.</returns>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten)
    {
        if (Encoding.ASCII.TryGetBytes(_value.AsSpan(), utf8Destination, out bytesWritten))
        {
            return true;
        }

        bytesWritten = 0;
        return false;
    }

    static SpiffeId IParsable<SpiffeId>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<SpiffeId>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out SpiffeId result) => TryParse(s, out result);

    static SpiffeId ISpanParsable<SpiffeId>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    static bool ISpanParsable<SpiffeId>.TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out SpiffeId result) => TryParse(s, out result, out _);

    string IFormattable.ToString(string? format, IFormatProvider? formatProvider) => ToString();

    bool ISpanFormattable.TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        => TryFormat(destination, out charsWritten);

    bool IUtf8SpanFormattable.TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        => TryFormat(utf8Destination, out bytesWritten);

    internal static SpiffeId CreateUnchecked(string canonical, int pathStart) => new(canonical, pathStart);

    private static bool TryParseCore<T>(ReadOnlySpan<T> value, SpiffeIdParseOptions options, out SpiffeId id, out SpiffeIdError error, out int index)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        var scan = SpiffeIdScanner.ScanId(value, options);
        error = scan.Error;
        index = scan.Index;
        id = scan.IsValid ? new SpiffeId(SpiffeIdScanner.Materialize(value, scan), scan.TrustDomainEnd) : default;
        return scan.IsValid;
    }

    private static string JoinSegments(ReadOnlySpan<string> segments)
    {
        var length = 0;
        foreach (var segment in segments)
        {
            ArgumentNullException.ThrowIfNull(segment, nameof(segments));
            var error = SpiffeIdScanner.ScanSegment(segment, out var index);
            if (error != SpiffeIdError.None)
            {
                throw new SpiffeIdFormatException(error, index);
            }

            length += segment.Length + 1;
            if (length > MaxLength)
            {
                throw new SpiffeIdFormatException(SpiffeIdError.IdTooLong, MaxLength);
            }
        }

        return string.Create(length, new SegmentList(segments), static (span, list) =>
        {
            foreach (var part in list.Segments)
            {
                span[0] = '/';
                part.AsSpan().CopyTo(span[1..]);
                span = span[(part.Length + 1)..];
            }
        });
    }

    private static SpiffeId Build(ReadOnlySpan<char> trustDomain, ReadOnlySpan<char> basePath, string extraPath)
    {
        var error = SpiffeIdScanner.ScanPath(extraPath.AsSpan(), out var index);
        if (error != SpiffeIdError.None)
        {
            throw new SpiffeIdFormatException(error, index);
        }

        var pathStart = SpiffeIdScanner.PrefixLength + trustDomain.Length;
        var length = pathStart + basePath.Length + extraPath.Length;
        if (length > MaxLength)
        {
            throw new SpiffeIdFormatException(SpiffeIdError.IdTooLong, MaxLength);
        }

        var value = string.Create(length, new IdParts(trustDomain, basePath, extraPath), static (buffer, parts) =>
        {
            SpiffeIdScanner.Prefix.CopyTo(buffer);
            parts.TrustDomain.CopyTo(buffer[SpiffeIdScanner.PrefixLength..]);
            parts.BasePath.CopyTo(buffer[(SpiffeIdScanner.PrefixLength + parts.TrustDomain.Length)..]);
            parts.ExtraPath.CopyTo(buffer[(SpiffeIdScanner.PrefixLength + parts.TrustDomain.Length + parts.BasePath.Length)..]);
        });
        return new SpiffeId(value, pathStart);
    }

    private string RequireValue() => _value ?? throw new InvalidOperationException("The SPIFFE ID is default(SpiffeId), which is not a valid ID.");

    /// <summary>The parts a builder joins after <c>spiffe://</c>.</summary>
    private readonly ref struct IdParts(ReadOnlySpan<char> trustDomain, ReadOnlySpan<char> basePath, ReadOnlySpan<char> extraPath)
    {
        public ReadOnlySpan<char> TrustDomain { get; } = trustDomain;

        public ReadOnlySpan<char> BasePath { get; } = basePath;

        public ReadOnlySpan<char> ExtraPath { get; } = extraPath;
    }

    /// <summary>The segments a builder joins with <c>/</c>.</summary>
    private readonly ref struct SegmentList(ReadOnlySpan<string> segments)
    {
        public ReadOnlySpan<string> Segments { get; } = segments;
    }
}
