namespace MeshInterop.Identity.Federation;

/// <summary>Thrown when a SPIFFE federation bundle endpoint could not deliver a usable bundle.</summary>
public sealed class BundleEndpointException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="BundleEndpointException"/> class.</summary>
    /// <param name="failure">The kind of failure.</param>
    /// <param name="url">The URL that failed.</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public BundleEndpointException(BundleEndpointFailure failure, Uri url, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
        Url = url;
    }

    /// <summary>Gets the kind of failure.</summary>
    public BundleEndpointFailure Failure { get; }

    /// <summary>Gets the URL that failed (after redirects).</summary>
    public Uri Url { get; }

    /// <summary>Gets the HTTP status code, when the server answered.</summary>
    public int? StatusCode { get; init; }
}
