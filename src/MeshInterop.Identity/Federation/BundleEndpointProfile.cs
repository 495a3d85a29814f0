namespace MeshInterop.Identity.Federation;

/// <summary>How a SPIFFE federation bundle endpoint authenticates itself (F-1). Always configured, never inferred (F-2).</summary>
public enum BundleEndpointProfile
{
    /// <summary>
    /// <c>https_web</c>: ordinary HTTPS with a Web PKI server certificate, validated against locally trusted CAs
    /// including host-name checks (F-6).
    /// </summary>
    HttpsWeb = 1,

    /// <summary>
    /// <c>https_spiffe</c>: the server presents an X.509-SVID for a configured SPIFFE ID, validated against the
    /// endpoint trust domain's latest bundle, without host-name checks (F-7, F-8).
    /// </summary>
    HttpsSpiffe = 2,
}
