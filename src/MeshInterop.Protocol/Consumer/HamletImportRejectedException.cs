namespace MeshInterop.Protocol.Consumer;

/// <summary>
/// Thrown by an <see cref="IHamletImportHandler"/> when a policy refuses an import (for example a SAN outside
/// the trust domains allowed for that peer). The consumer NACKs the response with <c>PermissionDenied</c>
/// and this message, and leaves its catalog unchanged.
/// </summary>
public sealed class HamletImportRejectedException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="HamletImportRejectedException"/> class.</summary>
    /// <param name="message">What the policy refused and why; sent to the owner in the NACK.</param>
    public HamletImportRejectedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HamletImportRejectedException"/> class.</summary>
    public HamletImportRejectedException()
        : base("The import was refused by policy.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="HamletImportRejectedException"/> class.</summary>
    /// <param name="message">What the policy refused and why.</param>
    /// <param name="innerException">The cause.</param>
    public HamletImportRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
