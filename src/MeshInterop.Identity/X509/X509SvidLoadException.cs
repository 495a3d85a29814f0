namespace MeshInterop.Identity.X509;

/// <summary>Thrown when certificates and a key meant to be this process's own X.509-SVID are not one.</summary>
public sealed class X509SvidLoadException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="X509SvidLoadException"/> class.</summary>
    /// <param name="failure">The rule the material broke.</param>
    /// <param name="message">What is wrong, and where.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public X509SvidLoadException(X509SvidFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    /// <summary>Gets the rule the material broke.</summary>
    public X509SvidFailure Failure { get; }
}
