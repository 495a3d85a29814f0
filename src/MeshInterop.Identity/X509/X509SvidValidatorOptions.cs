using System.Security.Cryptography.X509Certificates;

namespace MeshInterop.Identity.X509;

/// <summary>Options of <see cref="X509SvidValidator"/>. The defaults implement the SPIFFE X.509-SVID profile for peers.</summary>
public sealed class X509SvidValidatorOptions
{
    /// <summary>Gets or sets a value indicating whether a leaf without a basicConstraints extension is rejected.</summary>
    /// <value>The default value is <see langword="false"/>: a missing extension means <c>cA</c>=false (RFC 5280).</value>
    public bool RequireBasicConstraints { get; set; }

    /// <summary>Gets or sets a value indicating whether a non-critical key usage extension on the leaf is rejected.</summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool RequireCriticalKeyUsage { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether issuer-only rules are enforced too: an empty subject needs a critical
    /// SAN, and a SPIFFE ID on a presented intermediate must have no path.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool StrictIssuerProfile { get; set; }

    /// <summary>Gets or sets how the leaf's extended key usage is checked.</summary>
    /// <value>The default value is <see cref="EkuPolicy.RoleWhenPresent"/>.</value>
    public EkuPolicy EkuPolicy { get; set; } = EkuPolicy.RoleWhenPresent;

    /// <summary>Gets or sets how the leaf's URI SAN is parsed.</summary>
    /// <value>The default value is <see cref="SpiffeIdParseOptions.Strict"/>: the signed bytes are the identity and are never normalised.</value>
    public SpiffeIdParseOptions IdParseOptions { get; set; } = SpiffeIdParseOptions.Strict;

    /// <summary>
    /// Gets or sets the trust domains whose SVIDs are accepted. <see langword="null"/> accepts every trust domain with a
    /// loaded bundle; servers are advised to list their peers explicitly.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public IReadOnlyCollection<TrustDomain>? AllowedTrustDomains { get; set; }

    /// <summary>Gets or sets the most certificates (leaf included) a peer may present.</summary>
    /// <value>The default value is 16.</value>
    public int MaxChainLength { get; set; } = 16;

    /// <summary>Gets or sets how many positive results are cached; 0 disables the cache.</summary>
    /// <value>The default value is 1,024.</value>
    public int CacheSize { get; set; } = 1024;

    /// <summary>Gets or sets the revocation mode of MeshInterop's chain builds.</summary>
    /// <value>The default value is <see cref="X509RevocationMode.NoCheck"/>: SVIDs are short-lived, and online checks would reach URLs a peer chose.</value>
    public X509RevocationMode RevocationMode { get; set; } = X509RevocationMode.NoCheck;
}
