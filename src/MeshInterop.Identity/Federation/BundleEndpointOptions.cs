using System.Security.Cryptography.X509Certificates;
using MeshInterop.Identity.Bundles;

namespace MeshInterop.Identity.Federation;

/// <summary>
/// One federation peer's bundle endpoint. The URL, the profile and the trust domain are always configured
/// explicitly (F-2): the trust domain is never taken from the URL host and the profile is never probed.
/// </summary>
public sealed class BundleEndpointOptions
{
    /// <summary>The largest bundle document accepted, and the default limit.</summary>
    public const int DefaultMaxResponseBytes = SpiffeBundle.MaxDocumentBytes;

    /// <summary>Gets or sets the trust domain whose bundle the endpoint serves.</summary>
    /// <value>No default: required.</value>
    public TrustDomain TrustDomain { get; set; }

    /// <summary>Gets or sets the endpoint URL: <c>https</c>, without userinfo (F-3).</summary>
    /// <value>No default: required.</value>
    public Uri? Url { get; set; }

    /// <summary>Gets or sets the endpoint profile.</summary>
    /// <value>No default: required.</value>
    public BundleEndpointProfile? Profile { get; set; }

    /// <summary>Gets or sets the SPIFFE ID the <c>https_spiffe</c> server must present (F-7).</summary>
    /// <value>No default: required for <c>https_spiffe</c>, not allowed for <c>https_web</c>.</value>
    public SpiffeId EndpointSpiffeId { get; set; }

    /// <summary>
    /// Gets or sets the bundle that authenticates a self-serving <c>https_spiffe</c> endpoint on the first retrieval
    /// (F-8). Later retrievals use the latest retrieved bundle instead.
    /// </summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public SpiffeBundle? BootstrapBundle { get; set; }

    /// <summary>
    /// Gets or sets the CAs an <c>https_web</c> endpoint is validated against instead of the system store
    /// (a private Web PKI). Host names are checked either way.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the operating system's trusted roots.</value>
    public X509Certificate2Collection? WebTrustAnchors { get; set; }

    /// <summary>Gets or sets a value indicating whether redirects are followed (at most 3 hops, never persisted, F-5).</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool FollowRedirects { get; set; } = true;

    /// <summary>Gets or sets the largest response body accepted.</summary>
    /// <value>The default value is 1 MiB, which is also the maximum.</value>
    public int MaxResponseBytes { get; set; } = DefaultMaxResponseBytes;

    /// <summary>Gets or sets the time one retrieval, redirects included, may take.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks the options and lists every problem in one exception.</summary>
    /// <exception cref="ArgumentException">The options are incomplete or break F-2/F-3.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (TrustDomain.IsEmpty)
            problems.Add("TrustDomain is required; it is never derived from the URL.");
        if (Url is null)
            problems.Add("Url is required.");
        else if (CheckUrl(Url) is { } urlProblem)
            problems.Add(urlProblem);
        switch (Profile)
        {
            case null:
                problems.Add("Profile is required (HttpsWeb or HttpsSpiffe); it is never probed.");
                break;
            case BundleEndpointProfile.HttpsSpiffe:
                if (EndpointSpiffeId.IsEmpty)
                    problems.Add("EndpointSpiffeId is required for the https_spiffe profile.");
                else if (EndpointSpiffeId.TrustDomain == TrustDomain && BootstrapBundle is null)
                    problems.Add("BootstrapBundle is required for a self-serving https_spiffe endpoint (its SPIFFE ID is in the trust domain it serves).");
                if (BootstrapBundle is not null && !EndpointSpiffeId.IsEmpty && BootstrapBundle.TrustDomain != EndpointSpiffeId.TrustDomain)
                    problems.Add($"BootstrapBundle is for '{BootstrapBundle.TrustDomain}', not the endpoint's trust domain '{EndpointSpiffeId.TrustDomain}'.");
                if (WebTrustAnchors is not null)
                    problems.Add("WebTrustAnchors apply to the https_web profile only.");
                break;
            case BundleEndpointProfile.HttpsWeb:
                if (!EndpointSpiffeId.IsEmpty || BootstrapBundle is not null)
                    problems.Add("EndpointSpiffeId and BootstrapBundle apply to the https_spiffe profile only; https_web takes no extra parameters.");
                break;
            default:
                problems.Add($"Profile {Profile} is not a known profile.");
                break;
        }

        if (MaxResponseBytes is < 1 or > DefaultMaxResponseBytes)
            problems.Add($"MaxResponseBytes must be between 1 and {DefaultMaxResponseBytes}.");
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(5))
            problems.Add("Timeout must be positive and at most 5 minutes.");
        if (problems.Count > 0)
            throw new ArgumentException($"Bundle endpoint options for '{(TrustDomain.IsEmpty ? "(no trust domain)" : TrustDomain.Name)}' are invalid: {string.Join(" ", problems)}");
    }

    /// <summary>Returns why a URL may not serve bundles (F-3), or null.</summary>
    internal static string? CheckUrl(Uri url)
    {
        if (!url.IsAbsoluteUri)
            return $"Url '{url}' must be absolute.";
        if (!string.Equals(url.Scheme, Uri.UriSchemeHttps, StringComparison.Ordinal))
            return $"Url '{url}' must use the https scheme.";
        if (url.UserInfo.Length > 0)
            return "The URL must not contain userinfo.";
        return null;
    }
}
