using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Text;
using System.Text.Json.Serialization;
using MeshInterop.Identity.Internal;
using MeshInterop.Identity.Serialization;

namespace MeshInterop.Identity;

/// <summary>
/// A validated SPIFFE trust domain name, such as <c>example.org</c>, held in its canonical (lowercase) form.
/// </summary>
/// <remarks>
/// Equality, hashing and ordering are ordinal over the canonical name. <c>default(TrustDomain)</c> is not a valid
/// trust domain: <see cref="IsEmpty"/> is true and every API that takes a <see cref="TrustDomain"/> rejects it.
/// A trust domain taken from a <see cref="SpiffeId"/> shares that ID's string, so it costs no allocation.
/// </remarks>
[JsonConverter(typeof(TrustDomainJsonConverter))]
[TypeConverter(typeof(TrustDomainTypeConverter))]
public readonly struct TrustDomain : IEquatable<TrustDomain>, IComparable<TrustDomain>, ISpanParsable<TrustDomain>, ISpanFormattable, IUtf8SpanFormattable
{
    /// <summary>The longest trust domain name, in bytes (equal to characters, as valid names are ASCII), in every mode (ID-10).</summary>
    public const int MaxLength = 255;

    // The name is _text[_start..(_start + _length)]: either a bare name, or the trust domain part of a SPIFFE ID.
    private readonly string? _text;
    private readonly int _start;
    private readonly int _length;

    internal TrustDomain(string text, int start, int length)
    {
        _text = text;
        _start = start;
        _length = length;
    }

    /// <summary>Gets a value indicating whether this is <c>default(TrustDomain)</c>, which is not a valid trust domain.</summary>
    public bool IsEmpty => _text is null;

    /// <summary>Gets the canonical name, such as <c>example.org</c>.</summary>
    /// <value>An empty string for <c>default(TrustDomain)</c>. A trust domain taken from a <see cref="SpiffeId"/> allocates the name on each call.</value>
    public string Name => _text is null ? string.Empty
        : _start == 0 && _length == _text.Length ? _text
        : _text.Substring(_start, _length);

    /// <summary>Gets the length of the name, in characters.</summary>
    public int Length => _length;

    /// <summary>Determines whether two trust domains are equal (ordinal).</summary>
    /// <param name="left">The first trust domain.</param>
    /// <param name="right">The second trust domain.</param>
    /// <returns><see langword="true"/> when both are equal.</returns>
    public static bool operator ==(TrustDomain left, TrustDomain right) => left.Equals(right);

    /// <summary>Determines whether two trust domains differ (ordinal).</summary>
    /// <param name="left">The first trust domain.</param>
    /// <param name="right">The second trust domain.</param>
    /// <returns><see langword="true"/> when they differ.</returns>
    public static bool operator !=(TrustDomain left, TrustDomain right) => !left.Equals(right);

    /// <summary>Compares two trust domains ordinally.</summary>
    /// <param name="left">The first trust domain.</param>
    /// <param name="right">The second trust domain.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts first.</returns>
    public static bool operator <(TrustDomain left, TrustDomain right) => left.CompareTo(right) < 0;

    /// <summary>Compares two trust domains ordinally.</summary>
    /// <param name="left">The first trust domain.</param>
    /// <param name="right">The second trust domain.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts first or both are equal.</returns>
    public static bool operator <=(TrustDomain left, TrustDomain right) => left.CompareTo(right) <= 0;

    /// <summary>Compares two trust domains ordinally.</summary>
    /// <param name="left">The first trust domain.</param>
    /// <param name="right">The second trust domain.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts last.</returns>
    public static bool operator >(TrustDomain left, TrustDomain right) => left.CompareTo(right) > 0;

    /// <summary>Compares two trust domains ordinally.</summary>
    /// <param name="left">The first trust domain.</param>
    /// <param name="right">The second trust domain.</param>
    /// <returns><see langword="true"/> when <paramref name="left"/> sorts last or both are equal.</returns>
    public static bool operator >=(TrustDomain left, TrustDomain right) => left.CompareTo(right) >= 0;

    /// <summary>Parses a trust domain strictly, given as a bare name or as a SPIFFE ID (whose trust domain is kept).</summary>
    /// <param name="nameOrId">A name such as <c>example.org</c>, or an ID such as <c>spiffe://example.org/web</c>.</param>
    /// <returns>The trust domain.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="nameOrId"/> is <see langword="null"/>.</exception>
    /// <exception cref="SpiffeIdFormatException"><paramref name="nameOrId"/> is invalid.</exception>
    public static TrustDomain Parse(string nameOrId) => Parse(nameOrId, SpiffeIdParseOptions.Strict);

    /// <summary>Parses a trust domain, given as a bare name or as a SPIFFE ID (whose trust domain is kept).</summary>
    /// <param name="nameOrId">A name such as <c>example.org</c>, or an ID such as <c>spiffe://example.org/web</c>.</param>
    /// <param name="options">Opt-in relaxations.</param>
    /// <returns>The trust domain.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="nameOrId"/> is <see langword="null"/>.</exception>
    /// <exception cref="SpiffeIdFormatException"><paramref name="nameOrId"/> is invalid.</exception>
    public static TrustDomain Parse(string nameOrId, SpiffeIdParseOptions options)
    {
        ArgumentNullException.ThrowIfNull(nameOrId);
        return TryParse(nameOrId, options, out var trustDomain, out var error, out var index)
            ? trustDomain
            : throw new SpiffeIdFormatException(error, index);
    }

    /// <summary>Strictly parses a trust domain, given as a bare name or as a SPIFFE ID (whose trust domain is kept).</summary>
    /// <param name="nameOrId">A name or an ID.</param>
    /// <returns>The trust domain.</returns>
    /// <exception cref="SpiffeIdFormatException"><paramref name="nameOrId"/> is invalid.</exception>
    public static TrustDomain Parse(ReadOnlySpan<char> nameOrId) => Parse(nameOrId, SpiffeIdParseOptions.Strict);

    /// <summary>Parses a trust domain, given as a bare name or as a SPIFFE ID (whose trust domain is kept).</summary>
    /// <param name="nameOrId">A name or an ID.</param>
    /// <param name="options">Opt-in relaxations.</param>
    /// <returns>The trust domain.</returns>
    /// <exception cref="SpiffeIdFormatException"><paramref name="nameOrId"/> is invalid.</exception>
    public static TrustDomain Parse(ReadOnlySpan<char> nameOrId, SpiffeIdParseOptions options)
        => TryParse(nameOrId, options, out var trustDomain, out var error, out var index) ? trustDomain : throw new SpiffeIdFormatException(error, index);

    /// <summary>Strictly parses a trust domain from UTF-8 bytes, given as a bare name or as a SPIFFE ID.</summary>
    /// <param name="utf8NameOrId">A name or an ID, as UTF-8.</param>
    /// <returns>The trust domain.</returns>
    /// <exception cref="SpiffeIdFormatException"><paramref name="utf8NameOrId"/> is invalid.</exception>
    public static TrustDomain Parse(ReadOnlySpan<byte> utf8NameOrId) => Parse(utf8NameOrId, SpiffeIdParseOptions.Strict);

    /// <summary>Parses a trust domain from UTF-8 bytes, given as a bare name or as a SPIFFE ID.</summary>
    /// <param name="utf8NameOrId">A name or an ID, as UTF-8.</param>
    /// <param name="options">Opt-in relaxations.</param>
    /// <returns>The trust domain.</returns>
    /// <exception cref="SpiffeIdFormatException"><paramref name="utf8NameOrId"/> is invalid.</exception>
    public static TrustDomain Parse(ReadOnlySpan<byte> utf8NameOrId, SpiffeIdParseOptions options)
        => TryParse(utf8NameOrId, options, out var trustDomain, out var error, out var index) ? trustDomain : throw new SpiffeIdFormatException(error, index);

    /// <summary>Tries to parse a trust domain strictly, given as a bare name or as a SPIFFE ID.</summary>
    /// <param name="nameOrId">A name or an ID.</param>
    /// <param name="trustDomain">The trust domain on success; it shares <paramref name="nameOrId"/> when that is canonical.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse([NotNullWhen(true)] string? nameOrId, out TrustDomain trustDomain)
        => TryParse(nameOrId, SpiffeIdParseOptions.Strict, out trustDomain, out _, out _);

    /// <summary>Tries to parse a trust domain, given as a bare name or as a SPIFFE ID.</summary>
    /// <param name="nameOrId">A name or an ID.</param>
    /// <param name="options">Opt-in relaxations.</param>
    /// <param name="trustDomain">The trust domain on success; it shares <paramref name="nameOrId"/> when that is canonical.</param>
    /// <param name="error">What is wrong, or <see cref="SpiffeIdError.None"/>.</param>
    /// <param name="index">The index of the offending character, or 0.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse([NotNullWhen(true)] string? nameOrId, SpiffeIdParseOptions options, out TrustDomain trustDomain, out SpiffeIdError error, out int index)
    {
        if (nameOrId is null)
        {
            trustDomain = default;
            error = SpiffeIdError.MissingTrustDomain;
            index = 0;
            return false;
        }

        var scan = SpiffeIdScanner.ScanTrustDomain(nameOrId.AsSpan(), options);
        error = scan.Error;
        index = scan.Index;
        if (!scan.IsValid)
        {
            trustDomain = default;
            return false;
        }

        trustDomain = scan.NeedsFolding
            ? FromScan(nameOrId.AsSpan(), scan)
            : new TrustDomain(nameOrId, scan.TrustDomainStart, scan.TrustDomainEnd - scan.TrustDomainStart);
        return true;
    }

    /// <summary>Tries to parse a trust domain strictly, given as a bare name or as a SPIFFE ID.</summary>
    /// <param name="nameOrId">A name or an ID.</param>
    /// <param name="trustDomain">The trust domain on success.</param>
    /// <param name="error">What is wrong, or <see cref="SpiffeIdError.None"/>.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(ReadOnlySpan<char> nameOrId, out TrustDomain trustDomain, out SpiffeIdError error)
        => TryParse(nameOrId, SpiffeIdParseOptions.Strict, out trustDomain, out error, out _);

    /// <summary>Tries to parse a trust domain, given as a bare name or as a SPIFFE ID.</summary>
    /// <param name="nameOrId">A name or an ID.</param>
    /// <param name="options">Opt-in relaxations.</param>
    /// <param name="trustDomain">The trust domain on success.</param>
    /// <param name="error">What is wrong, or <see cref="SpiffeIdError.None"/>.</param>
    /// <param name="index">The index of the offending character, or 0.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(ReadOnlySpan<char> nameOrId, SpiffeIdParseOptions options, out TrustDomain trustDomain, out SpiffeIdError error, out int index)
        => TryParseCore(nameOrId, options, out trustDomain, out error, out index);

    /// <summary>Tries to parse a trust domain strictly from UTF-8 bytes, given as a bare name or as a SPIFFE ID.</summary>
    /// <param name="utf8NameOrId">A name or an ID, as UTF-8.</param>
    /// <param name="trustDomain">The trust domain on success.</param>
    /// <param name="error">What is wrong, or <see cref="SpiffeIdError.None"/>.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(ReadOnlySpan<byte> utf8NameOrId, out TrustDomain trustDomain, out SpiffeIdError error)
        => TryParse(utf8NameOrId, SpiffeIdParseOptions.Strict, out trustDomain, out error, out _);

    /// <summary>Tries to parse a trust domain from UTF-8 bytes, given as a bare name or as a SPIFFE ID.</summary>
    /// <param name="utf8NameOrId">A name or an ID, as UTF-8.</param>
    /// <param name="options">Opt-in relaxations.</param>
    /// <param name="trustDomain">The trust domain on success.</param>
    /// <param name="error">What is wrong, or <see cref="SpiffeIdError.None"/>.</param>
    /// <param name="index">The byte index of the offending byte, or 0.</param>
    /// <returns><see langword="true"/> when valid.</returns>
    public static bool TryParse(ReadOnlySpan<byte> utf8NameOrId, SpiffeIdParseOptions options, out TrustDomain trustDomain, out SpiffeIdError error, out int index)
        => TryParseCore(utf8NameOrId, options, out trustDomain, out error, out index);

    /// <summary>Gets the trust domain's own SPIFFE ID, <c>spiffe://&lt;name&gt;</c>, whose path is empty.</summary>
    /// <returns>The ID.</returns>
    /// <exception cref="InvalidOperationException">This is <c>default(TrustDomain)</c>.</exception>
    public SpiffeId ToSpiffeId()
    {
        if (_text is null)
        {
            throw new InvalidOperationException("The trust domain is default(TrustDomain), which is not a valid trust domain.");
        }

        var end = SpiffeIdScanner.PrefixLength + _length;
        return _start == SpiffeIdScanner.PrefixLength && _text.Length == end
            ? SpiffeId.CreateUnchecked(_text, end)
            : SpiffeId.CreateUnchecked(string.Concat(SpiffeIdScanner.Prefix, AsSpan()), end);
    }

    /// <summary>Gets the canonical name without allocating.</summary>
    /// <returns>The name; empty for <c>default(TrustDomain)</c>.</returns>
    public ReadOnlySpan<char> AsSpan() => _text is null ? default : _text.AsSpan(_start, _length);

    /// <inheritdoc/>
    public bool Equals(TrustDomain other) => _length == other._length && IsEmpty == other.IsEmpty && AsSpan().SequenceEqual(other.AsSpan());

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TrustDomain other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _text is null ? 0 : string.GetHashCode(AsSpan(), StringComparison.Ordinal);

    /// <inheritdoc/>
    public int CompareTo(TrustDomain other) => AsSpan().SequenceCompareTo(other.AsSpan());

    /// <summary>Returns the canonical name.</summary>
    /// <returns>The name; an empty string for <c>default(TrustDomain)</c>.</returns>
    public override string ToString() => Name;

    /// <summary>Writes the canonical name as UTF-16.</summary>
    /// <param name="destination">Where to write.</param>
    /// <param name="charsWritten">How many characters were written.</param>
    /// <returns><see langword="false"/> when <paramref name="destination"/> is too small.</returns>
    public bool TryFormat(Span<char> destination, out int charsWritten)
    {
        if (AsSpan().TryCopyTo(destination))
        {
            charsWritten = _length;
            return true;
        }

        charsWritten = 0;
        return false;
    }

    /// <summary>Writes the canonical name as UTF-8 (which, for a trust domain, is ASCII).</summary>
    /// <param name="utf8Destination">Where to write.</param>
    /// <param name="bytesWritten">How many bytes were written.</param>
    /// <returns><see langword="false"/> when <paramref name="utf8Destination"/> is too small.</returns>
    public bool TryFormat(Span<byte> utf8Destination, out int bytesWritten)
    {
        if (Encoding.ASCII.TryGetBytes(AsSpan(), utf8Destination, out bytesWritten))
        {
            return true;
        }

        bytesWritten = 0;
        return false;
    }

    static TrustDomain IParsable<TrustDomain>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<TrustDomain>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out TrustDomain result) => TryParse(s, out result);

    static TrustDomain ISpanParsable<TrustDomain>.Parse(ReadOnlySpan<char> s, IFormatProvider? provider) => Parse(s);

    static bool ISpanParsable<TrustDomain>.TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out TrustDomain result) => TryParse(s, out result, out _);

    string IFormattable.ToString(string? format, IFormatProvider? formatProvider) => ToString();

    bool ISpanFormattable.TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        => TryFormat(destination, out charsWritten);

    bool IUtf8SpanFormattable.TryFormat(Span<byte> utf8Destination, out int bytesWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
        => TryFormat(utf8Destination, out bytesWritten);

    internal void ThrowIfEmpty(string paramName = "trustDomain")
    {
        if (_text is null)
        {
            throw new ArgumentException("default(TrustDomain) is not a valid trust domain.", paramName);
        }
    }

    private static bool TryParseCore<T>(ReadOnlySpan<T> nameOrId, SpiffeIdParseOptions options, out TrustDomain trustDomain, out SpiffeIdError error, out int index)
        where T : unmanaged, IBinaryInteger<T>
    {
        var scan = SpiffeIdScanner.ScanTrustDomain(nameOrId, options);
        error = scan.Error;
        index = scan.Index;
        trustDomain = scan.IsValid ? FromScan(nameOrId, scan) : default;
        return scan.IsValid;
    }

    private static TrustDomain FromScan<T>(ReadOnlySpan<T> input, in IdScan scan)
        where T : unmanaged, IBinaryInteger<T>
    {
        // Materialise only the name: a trust domain parsed from a full ID does not keep the path alive.
        var name = input[scan.TrustDomainStart..scan.TrustDomainEnd];
        var nameScan = scan with { TrustDomainStart = 0, TrustDomainEnd = name.Length };
        var text = SpiffeIdScanner.Materialize(name, nameScan);
        return new TrustDomain(text, 0, text.Length);
    }
}
