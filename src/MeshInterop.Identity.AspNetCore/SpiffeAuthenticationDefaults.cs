namespace MeshInterop.Identity.AspNetCore;

/// <summary>Names used by the SPIFFE authentication handler.</summary>
public static class SpiffeAuthenticationDefaults
{
    /// <summary>The default authentication scheme name.</summary>
    public const string AuthenticationScheme = "Spiffe";

    /// <summary>The claim holding the peer's full SPIFFE ID.</summary>
    public const string SpiffeIdClaimType = "spiffe_id";

    /// <summary>The claim holding the peer's trust domain name.</summary>
    public const string TrustDomainClaimType = "spiffe_trust_domain";
}
