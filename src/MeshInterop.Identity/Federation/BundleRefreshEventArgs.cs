using MeshInterop.Identity.Bundles;

namespace MeshInterop.Identity.Federation;

/// <summary>What happened in one retrieval of a peer's bundle, with its provenance.</summary>
public sealed class BundleRefreshEventArgs : EventArgs
{
    internal BundleRefreshEventArgs(TrustDomain trustDomain, Uri url, BundleEndpointProfile profile, DateTimeOffset time, SpiffeBundle? bundle, ulong? storedSequence, BundleEndpointException? error, int consecutiveFailures)
    {
        TrustDomain = trustDomain;
        Url = url;
        Profile = profile;
        Time = time;
        Bundle = bundle;
        StoredSequence = storedSequence;
        Error = error;
        ConsecutiveFailures = consecutiveFailures;
    }

    /// <summary>Gets the trust domain whose bundle was retrieved.</summary>
    public TrustDomain TrustDomain { get; }

    /// <summary>Gets the configured endpoint URL.</summary>
    public Uri Url { get; }

    /// <summary>Gets the endpoint profile.</summary>
    public BundleEndpointProfile Profile { get; }

    /// <summary>Gets when the retrieval finished.</summary>
    public DateTimeOffset Time { get; }

    /// <summary>Gets the retrieved bundle, when one was retrieved.</summary>
    public SpiffeBundle? Bundle { get; }

    /// <summary>Gets the sequence of the bundle kept in store, when a regressed bundle was refused.</summary>
    public ulong? StoredSequence { get; }

    /// <summary>Gets the failure, for <see cref="FederatedBundleRefresher.BundleRetrievalFailed"/>.</summary>
    public BundleEndpointException? Error { get; }

    /// <summary>Gets how many retrievals in a row have failed (0 after a success).</summary>
    public int ConsecutiveFailures { get; }
}
