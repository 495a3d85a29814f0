namespace MeshInterop.Identity;

/// <summary>
/// The reason a SPIFFE ID, trust domain name, path or path segment was rejected.
/// </summary>
/// <remarks>
/// Parsing reports the first violation met in one left-to-right pass, so the precedence between errors is
/// fixed: an empty segment is reported when the <c>/</c> that closes it is reached, a bad character wins over a
/// trailing slash after it, and any character at or above U+0080 fails the character check wherever it appears.
/// </remarks>
public enum SpiffeIdError
{
    /// <summary>No error: the input is valid.</summary>
    None = 0,

    /// <summary>The input is empty (ID-1).</summary>
    Empty,

    /// <summary>The input does not start with the <c>spiffe://</c> scheme and authority marker (ID-1).</summary>
    WrongScheme,

    /// <summary>The trust domain name is empty (ID-1, ID-2).</summary>
    MissingTrustDomain,

    /// <summary>The trust domain holds a character outside <c>a-z 0-9 . - _</c> (ID-2, ID-3, ID-4).</summary>
    BadTrustDomainChar,

    /// <summary>A path segment holds a character outside <c>a-z A-Z 0-9 . - _</c> (ID-6, ID-9).</summary>
    BadPathSegmentChar,

    /// <summary>The path holds an empty segment, such as <c>//</c> (ID-7).</summary>
    EmptySegment,

    /// <summary>The path holds a <c>.</c> or <c>..</c> segment (ID-7).</summary>
    DotSegment,

    /// <summary>The path ends with <c>/</c> (ID-8).</summary>
    TrailingSlash,

    /// <summary>A non-empty path does not start with <c>/</c>; reported by the path APIs only, never by parsing a full ID.</summary>
    NoLeadingSlash,

    /// <summary>The trust domain name is longer than 255 bytes (ID-10).</summary>
    TrustDomainTooLong,

    /// <summary>The SPIFFE ID is longer than 2048 bytes (ID-10).</summary>
    IdTooLong,
}
