namespace MeshInterop.Identity.Bundles;

/// <summary>
/// The exception thrown when a SPIFFE bundle document is invalid as a whole: not UTF-8 JSON, larger than the
/// size limit, not an object, without a <c>keys</c> array, or with a duplicate member. Problems with single
/// entries never throw; they are reported in <see cref="SpiffeBundle.Diagnostics"/>.
/// </summary>
public sealed class SpiffeBundleFormatException : FormatException
{
    /// <summary>Initializes a new instance of the <see cref="SpiffeBundleFormatException"/> class.</summary>
    public SpiffeBundleFormatException()
        : base("The SPIFFE bundle document is invalid.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SpiffeBundleFormatException"/> class.</summary>
    /// <param name="message">What is wrong.</param>
    public SpiffeBundleFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="SpiffeBundleFormatException"/> class.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public SpiffeBundleFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
