namespace MeshInterop.Identity.Federation;

/// <summary>The refresh state of one federation peer's bundle, with its provenance.</summary>
/// <param name="TrustDomain">The peer trust domain.</param>
/// <param name="Url">The configured endpoint URL.</param>
/// <param name="Profile">The endpoint profile.</param>
/// <param name="LastSuccess">When the bundle was last retrieved successfully, if ever.</param>
/// <param name="Sequence">The <c>spiffe_sequence</c> of the stored bundle, if it had one.</param>
/// <param name="ConsecutiveFailures">How many retrievals in a row have failed.</param>
/// <param name="NextRefresh">When the next scheduled retrieval is due.</param>
public sealed record BundleRefreshStatus(
    TrustDomain TrustDomain,
    Uri Url,
    BundleEndpointProfile Profile,
    DateTimeOffset? LastSuccess,
    ulong? Sequence,
    int ConsecutiveFailures,
    DateTimeOffset NextRefresh);
