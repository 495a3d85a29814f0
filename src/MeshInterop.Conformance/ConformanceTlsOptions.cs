using MeshInterop.Identity;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.X509;

namespace MeshInterop.Conformance;

/// <summary>The TLS material of a run: the kit's SPIFFE identity, the bundles it trusts, and the identity it expects of the target.</summary>
public sealed class ConformanceTlsOptions
{
    /// <summary>Gets or sets the X.509-SVID the kit presents, as client (owner role) and as server (consumer role). The target must trust its trust domain.</summary>
    /// <value>No default: required.</value>
    public X509Svid? Identity { get; set; }

    /// <summary>Gets or sets the trust bundles the kit verifies the target with, one per trust domain (normally just the target's).</summary>
    /// <value>No default: required.</value>
    public BundleSet? Bundles { get; set; }

    /// <summary>Gets or sets the SPIFFE ID the target must present; when unset any ID in a trusted trust domain is accepted.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public SpiffeId? ExpectedTargetId { get; set; }

    /// <summary>
    /// Gets or sets an SVID that chains to an authority the target trusts but names another trust domain, for the
    /// trust-domain pinning case (5). Without it that case is not applicable.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public X509Svid? ForeignTrustDomainIdentity { get; set; }
}
