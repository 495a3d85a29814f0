using System.Globalization;

namespace MeshInterop.Identity;

/// <summary>
/// The exception thrown when a SPIFFE ID, trust domain name, path or path segment is invalid.
/// </summary>
public sealed class SpiffeIdFormatException : FormatException
{
    /// <summary>Initializes a new instance of the <see cref="SpiffeIdFormatException"/> class.</summary>
    public SpiffeIdFormatException()
        : base("The SPIFFE ID is invalid.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SpiffeIdFormatException"/> class with a custom message.</summary>
    /// <param name="message">The message.</param>
    public SpiffeIdFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SpiffeIdFormatException"/> class with a custom message and inner exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public SpiffeIdFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SpiffeIdFormatException"/> class for a parse failure.</summary>
    /// <param name="error">What is wrong.</param>
    /// <param name="index">The zero-based index of the offending character in the input.</param>
    public SpiffeIdFormatException(SpiffeIdError error, int index)
        : base(string.Create(CultureInfo.InvariantCulture, $"Invalid SPIFFE ID: {GetMessage(error)} (error {error} at index {index})."))
    {
        Error = error;
        Index = index;
    }

    /// <summary>Gets what is wrong with the input.</summary>
    /// <value><see cref="SpiffeIdError.None"/> when the exception was created without an error.</value>
    public SpiffeIdError Error { get; }

    /// <summary>Gets the zero-based index of the offending character in the input.</summary>
    /// <value>0 when the exception was created without an error.</value>
    public int Index { get; }

    /// <summary>
    /// Gets the description of an error, in the wording used across the SPIFFE ecosystem so that logs line up.
    /// </summary>
    /// <param name="error">The error.</param>
    /// <returns>The description, such as <c>path cannot have a trailing slash</c>.</returns>
    public static string GetMessage(SpiffeIdError error) => error switch
    {
        SpiffeIdError.None => "no error",
        SpiffeIdError.Empty => "cannot be empty",
        SpiffeIdError.WrongScheme => "scheme is missing or invalid",
        SpiffeIdError.MissingTrustDomain => "trust domain is missing",
        SpiffeIdError.BadTrustDomainChar => "trust domain characters are limited to lowercase letters, numbers, dots, dashes, and underscores",
        SpiffeIdError.BadPathSegmentChar => "path segment characters are limited to letters, numbers, dots, dashes, and underscores",
        SpiffeIdError.EmptySegment => "path cannot contain empty segments",
        SpiffeIdError.DotSegment => "path cannot contain dot segments",
        SpiffeIdError.TrailingSlash => "path cannot have a trailing slash",
        SpiffeIdError.NoLeadingSlash => "path must have a leading slash",
        SpiffeIdError.TrustDomainTooLong => "trust domain cannot exceed 255 bytes",
        SpiffeIdError.IdTooLong => "SPIFFE ID cannot exceed 2048 bytes",
        _ => "unknown error",
    };
}
