using MeshInterop.Identity;
using MeshInterop.Identity.Bundles;

namespace MeshInterop.Federation.Internal;

/// <summary>
/// Serves this mesh's own bundle on the bundle endpoint. A bundle file is read again on every request, so a CA
/// rotation is published by rewriting the file; the sequence number grows whenever the content changes.
/// </summary>
internal sealed class LocalBundleProvider(MeshFederationTrustBundleOptions options, TrustDomain trustDomain, TimeSpan refreshHint)
{
    private readonly Lock _gate = new();
    private SpiffeBundle? _last;
    private ulong _sequence;

    /// <summary>Gets the last load error, for the status endpoint.</summary>
    public string? LastError { get; private set; }

    public SpiffeBundle? Current()
    {
        if (!TrustBundleLoader.IsConfigured(options))
            return null;
        if (!TrustBundleLoader.TryLoad(options, trustDomain, out var loaded, out var property, out var error))
        {
            lock (_gate)
            {
                LastError = $"TrustBundle:{property}: {error}";
                return _last;
            }
        }

        lock (_gate)
        {
            LastError = null;
            if (_last is null || !_last.X509Bundle.ContentEquals(loaded!.X509Bundle) || !_last.JwtBundle.ContentEquals(loaded.JwtBundle))
            {
                _sequence++;
                _last = new SpiffeBundle(loaded!.X509Bundle, loaded.JwtBundle, _sequence, refreshHint);
            }

            return _last;
        }
    }
}
