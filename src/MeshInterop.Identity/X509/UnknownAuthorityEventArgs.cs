namespace MeshInterop.Identity.X509;

/// <summary>A peer presented an SVID whose chain does not lead to any authority in its trust domain's bundle.</summary>
public sealed class UnknownAuthorityEventArgs : EventArgs
{
    /// <summary>Initializes a new instance of the <see cref="UnknownAuthorityEventArgs"/> class.</summary>
    /// <param name="spiffeId">The SVID's SPIFFE ID.</param>
    public UnknownAuthorityEventArgs(SpiffeId spiffeId)
    {
        SpiffeId = spiffeId;
    }

    /// <summary>Gets the SVID's SPIFFE ID.</summary>
    public SpiffeId SpiffeId { get; }

    /// <summary>Gets the trust domain whose bundle may be out of date.</summary>
    public TrustDomain TrustDomain => SpiffeId.TrustDomain;
}
