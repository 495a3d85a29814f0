using System.Buffers;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace MeshInterop.Identity.Internal;

/// <summary>The outcome of scanning a full SPIFFE ID or a trust domain name.</summary>
/// <param name="Error">What is wrong, or <see cref="SpiffeIdError.None"/>.</param>
/// <param name="Index">The index of the offending character when <paramref name="Error"/> is set.</param>
/// <param name="TrustDomainStart">Where the trust domain starts in the input.</param>
/// <param name="TrustDomainEnd">Where the trust domain ends (and the path starts, for a full ID).</param>
/// <param name="NeedsFolding">True when lenient parsing met upper case in the scheme or trust domain.</param>
internal readonly record struct IdScan(SpiffeIdError Error, int Index, int TrustDomainStart, int TrustDomainEnd, bool NeedsFolding)
{
    public bool IsValid => Error == SpiffeIdError.None;

    public static IdScan Fail(SpiffeIdError error, int index) => new(error, index, 0, 0, false);
}

/// <summary>
/// The SPIFFE ID grammar (reference section 1.4) over UTF-16 or UTF-8 input, with the error precedence and indices
/// of one left-to-right pass. Vectorised scans accept valid input quickly; anything suspicious is re-scanned segment
/// by segment, which alone decides the error. Generic over the code unit so that certificate SAN bytes are validated without being transcoded first;
/// the JIT specialises each instantiation, so the <c>typeof</c> tests below cost nothing.
/// </summary>
internal static class SpiffeIdScanner
{
    public const string Prefix = "spiffe://";
    public const int PrefixLength = 9;
    public const int SchemeLength = 6;

    private const string LowerTrustDomainSet = "abcdefghijklmnopqrstuvwxyz0123456789.-_";
    private const string UpperLetters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private static readonly SearchValues<char> TrustDomainChars = SearchValues.Create(LowerTrustDomainSet);
    // The lenient trust domain set and the path segment set are the same: a-z A-Z 0-9 . - _.
    private static readonly SearchValues<char> SegmentChars = SearchValues.Create(LowerTrustDomainSet + UpperLetters);
    private static readonly SearchValues<byte> TrustDomainBytes = SearchValues.Create(Encoding.ASCII.GetBytes(LowerTrustDomainSet));
    private static readonly SearchValues<byte> SegmentBytes = SearchValues.Create(Encoding.ASCII.GetBytes(LowerTrustDomainSet + UpperLetters));
    private static readonly SearchValues<char> PathChars = SearchValues.Create(LowerTrustDomainSet + UpperLetters + "/");
    private static readonly SearchValues<byte> PathBytes = SearchValues.Create(Encoding.ASCII.GetBytes(LowerTrustDomainSet + UpperLetters + "/"));

    /// <summary>Scans a full SPIFFE ID (steps 1 to 5 of reference section 1.4).</summary>
    public static IdScan ScanId<T>(ReadOnlySpan<T> s, SpiffeIdParseOptions options)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (s.IsEmpty)
        {
            return IdScan.Fail(SpiffeIdError.Empty, 0);
        }

        if (s.Length > SpiffeId.MaxLength && (options & SpiffeIdParseOptions.AllowOverlongId) == 0)
        {
            return IdScan.Fail(SpiffeIdError.IdTooLong, SpiffeId.MaxLength);
        }

        var lenient = (options & SpiffeIdParseOptions.AllowUppercaseSchemeAndTrustDomain) != 0;
        var folding = false;
        if (!s.StartsWith(PrefixOf<T>()))
        {
            var mismatch = ScanScheme(s, lenient, out folding);
            if (mismatch >= 0)
            {
                return IdScan.Fail(SpiffeIdError.WrongScheme, mismatch);
            }
        }

        var afterPrefix = s[PrefixLength..];
        var stop = afterPrefix.IndexOfAnyExcept(lenient ? LenientTrustDomainSet<T>() : TrustDomainSet<T>());
        var trustDomainLength = stop < 0 ? afterPrefix.Length : stop;
        if (stop >= 0 && int.CreateTruncating(afterPrefix[stop]) != '/')
        {
            return IdScan.Fail(SpiffeIdError.BadTrustDomainChar, PrefixLength + stop);
        }

        if (trustDomainLength == 0)
        {
            return IdScan.Fail(SpiffeIdError.MissingTrustDomain, PrefixLength);
        }

        if (trustDomainLength > TrustDomain.MaxLength)
        {
            return IdScan.Fail(SpiffeIdError.TrustDomainTooLong, PrefixLength + TrustDomain.MaxLength);
        }

        if (lenient && !folding)
        {
            folding = ContainsUpper(afterPrefix[..trustDomainLength]);
        }

        var trustDomainEnd = PrefixLength + trustDomainLength;
        var pathError = ScanPath(s[trustDomainEnd..], out var pathIndex);
        return pathError == SpiffeIdError.None
            ? new IdScan(SpiffeIdError.None, 0, PrefixLength, trustDomainEnd, folding)
            : IdScan.Fail(pathError, trustDomainEnd + pathIndex);
    }

    /// <summary>
    /// Scans a trust domain given either as a bare name or as a full SPIFFE ID. Input holding <c>:/</c> is a full
    /// ID and is validated completely, so path errors surface.
    /// </summary>
    public static IdScan ScanTrustDomain<T>(ReadOnlySpan<T> s, SpiffeIdParseOptions options)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (s.IndexOf(ColonSlashOf<T>()) >= 0)
        {
            return ScanId(s, options);
        }

        if (s.IsEmpty)
        {
            return IdScan.Fail(SpiffeIdError.MissingTrustDomain, 0);
        }

        var lenient = (options & SpiffeIdParseOptions.AllowUppercaseSchemeAndTrustDomain) != 0;
        var stop = s.IndexOfAnyExcept(lenient ? LenientTrustDomainSet<T>() : TrustDomainSet<T>());
        if (stop >= 0)
        {
            return IdScan.Fail(SpiffeIdError.BadTrustDomainChar, stop);
        }

        if (s.Length > TrustDomain.MaxLength)
        {
            return IdScan.Fail(SpiffeIdError.TrustDomainTooLong, TrustDomain.MaxLength);
        }

        return new IdScan(SpiffeIdError.None, 0, 0, s.Length, lenient && ContainsUpper(s));
    }

    /// <summary>
    /// Validates a path: empty, or <c>/</c>-separated segments (ID-6 to ID-9). One vectorised scan per segment;
    /// dot segments are recognised from the segment length, with no second pass.
    /// </summary>
    public static SpiffeIdError ScanPath<T>(ReadOnlySpan<T> path, out int index)
        where T : unmanaged, IBinaryInteger<T>
    {
        index = 0;
        if (path.IsEmpty)
        {
            return SpiffeIdError.None;
        }

        if (int.CreateTruncating(path[0]) != '/')
        {
            return SpiffeIdError.NoLeadingSlash;
        }

        // Fast acceptance: a few vectorised scans over the whole path instead of one per segment. Anything that
        // might be an error (a bad character, "//", "/." or a trailing slash) goes to the segment-by-segment scan,
        // which alone decides the error and its precedence; "/." also starts valid segments such as ".well-known".
        // Most paths hold no dot at all, and a one-character search is cheaper than the two-character "/." search.
        if (path.IndexOfAnyExcept(PathSet<T>()) < 0
            && int.CreateTruncating(path[^1]) != '/'
            && path.IndexOf(SlashSlashOf<T>()) < 0
            && (!path.Contains(T.CreateTruncating('.')) || path.IndexOf(SlashDotOf<T>()) < 0))
        {
            return SpiffeIdError.None;
        }

        return ScanPathBySegment(path, out index);
    }

    private static SpiffeIdError ScanPathBySegment<T>(ReadOnlySpan<T> path, out int index)
        where T : unmanaged, IBinaryInteger<T>
    {
        index = 0;
        var segmentChars = SegmentSet<T>();
        var segmentStart = 1;
        while (true)
        {
            var rest = path[segmentStart..];
            var stop = rest.IndexOfAnyExcept(segmentChars);
            var segmentLength = stop < 0 ? rest.Length : stop;
            if (stop >= 0 && int.CreateTruncating(rest[stop]) != '/')
            {
                index = segmentStart + stop;
                return SpiffeIdError.BadPathSegmentChar;
            }

            if (segmentLength == 0)
            {
                if (stop < 0)
                {
                    index = segmentStart - 1;
                    return SpiffeIdError.TrailingSlash;
                }

                index = segmentStart;
                return SpiffeIdError.EmptySegment;
            }

            if (segmentLength <= 2 && IsDotSegment(rest[..segmentLength]))
            {
                index = segmentStart;
                return SpiffeIdError.DotSegment;
            }

            if (stop < 0)
            {
                return SpiffeIdError.None;
            }

            segmentStart += stop + 1;
        }
    }

    /// <summary>Validates one path segment, given without slashes.</summary>
    public static SpiffeIdError ScanSegment(ReadOnlySpan<char> segment, out int index)
    {
        index = 0;
        if (segment.IsEmpty)
        {
            return SpiffeIdError.EmptySegment;
        }

        var stop = segment.IndexOfAnyExcept(SegmentChars);
        if (stop >= 0)
        {
            index = stop;
            return SpiffeIdError.BadPathSegmentChar;
        }

        return segment.Length <= 2 && IsDotSegment(segment) ? SpiffeIdError.DotSegment : SpiffeIdError.None;
    }

    /// <summary>
    /// Creates the canonical string of a scanned input: the input itself when it is already canonical, otherwise
    /// a copy with the scheme and trust domain folded to ASCII lower case.
    /// </summary>
    public static string Materialize<T>(ReadOnlySpan<T> s, in IdScan scan)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (!scan.NeedsFolding)
        {
            return typeof(T) == typeof(char)
                ? new string(MemoryMarshal.Cast<T, char>(s))
                : Encoding.ASCII.GetString(MemoryMarshal.Cast<T, byte>(s));   // validated: ASCII only
        }

        return string.Create(s.Length, new FoldSource<T>(s, scan.TrustDomainEnd), static (buffer, source) =>
        {
            for (var i = 0; i < buffer.Length; i++)
            {
                var c = (char)int.CreateTruncating(source.Input[i]);
                // Fold only what was already checked to be ASCII A-Z, and only in the scheme and trust domain (ID-11).
                buffer[i] = i < source.FoldEnd && char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;
            }
        });
    }

    private static int ScanScheme<T>(ReadOnlySpan<T> s, bool lenient, out bool folded)
        where T : unmanaged, IBinaryInteger<T>
    {
        folded = false;
        for (var i = 0; i < PrefixLength; i++)
        {
            if (i >= s.Length)
            {
                return i;
            }

            var c = int.CreateTruncating(s[i]);
            var expected = Prefix[i];
            if (c == expected)
            {
                continue;
            }

            if (lenient && i < SchemeLength && c is >= 'A' and <= 'Z' && (c | 0x20) == expected)
            {
                folded = true;
                continue;
            }

            return i;
        }

        return -1;
    }

    private static bool IsDotSegment<T>(ReadOnlySpan<T> segment)
        where T : unmanaged, IBinaryInteger<T>
    {
        var dot = T.CreateTruncating('.');
        return segment[0] == dot && (segment.Length == 1 || segment[1] == dot);
    }

    private static bool ContainsUpper<T>(ReadOnlySpan<T> s)
        where T : unmanaged, IBinaryInteger<T>
        => s.ContainsAnyInRange(T.CreateTruncating('A'), T.CreateTruncating('Z'));

    private static ReadOnlySpan<T> PrefixOf<T>()
        where T : unmanaged, IBinaryInteger<T>
        => typeof(T) == typeof(char) ? MemoryMarshal.Cast<char, T>(Prefix.AsSpan()) : MemoryMarshal.Cast<byte, T>("spiffe://"u8);

    private static ReadOnlySpan<T> ColonSlashOf<T>()
        where T : unmanaged, IBinaryInteger<T>
        => typeof(T) == typeof(char) ? MemoryMarshal.Cast<char, T>(":/".AsSpan()) : MemoryMarshal.Cast<byte, T>(":/"u8);

    private static ReadOnlySpan<T> SlashSlashOf<T>()
        where T : unmanaged, IBinaryInteger<T>
        => typeof(T) == typeof(char) ? MemoryMarshal.Cast<char, T>("//".AsSpan()) : MemoryMarshal.Cast<byte, T>("//"u8);

    private static ReadOnlySpan<T> SlashDotOf<T>()
        where T : unmanaged, IBinaryInteger<T>
        => typeof(T) == typeof(char) ? MemoryMarshal.Cast<char, T>("/.".AsSpan()) : MemoryMarshal.Cast<byte, T>("/."u8);

    private static SearchValues<T> PathSet<T>()
        where T : unmanaged, IBinaryInteger<T>
        => typeof(T) == typeof(char) ? (SearchValues<T>)(object)PathChars : (SearchValues<T>)(object)PathBytes;

    private static SearchValues<T> TrustDomainSet<T>()
        where T : unmanaged, IBinaryInteger<T>
        => typeof(T) == typeof(char) ? (SearchValues<T>)(object)TrustDomainChars : (SearchValues<T>)(object)TrustDomainBytes;

    private static SearchValues<T> LenientTrustDomainSet<T>()
        where T : unmanaged, IBinaryInteger<T>
        => typeof(T) == typeof(char) ? (SearchValues<T>)(object)SegmentChars : (SearchValues<T>)(object)SegmentBytes;

    private static SearchValues<T> SegmentSet<T>()
        where T : unmanaged, IBinaryInteger<T>
        => typeof(T) == typeof(char) ? (SearchValues<T>)(object)SegmentChars : (SearchValues<T>)(object)SegmentBytes;

    /// <summary>The input of <see cref="Materialize"/> and how far ASCII case folding applies.</summary>
    private readonly ref struct FoldSource<T>(ReadOnlySpan<T> input, int foldEnd)
        where T : unmanaged, IBinaryInteger<T>
    {
        public ReadOnlySpan<T> Input { get; } = input;

        public int FoldEnd { get; } = foldEnd;
    }
}
