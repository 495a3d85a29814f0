using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace MeshInterop.Identity.Bundles;

/// <summary>
/// An immutable snapshot of trust bundles: at most one <see cref="X509Bundle"/> and one <see cref="JwtBundle"/>
/// per trust domain, looked up by trust domain only. Authorities are never pooled across trust domains.
/// </summary>
/// <remarks>
/// <para>Every change returns a new snapshot whose <see cref="Generation"/> is one higher; a change that leaves the
/// content as it is returns the same snapshot. Each trust domain also carries the generation at which its bundles
/// last changed (<see cref="TryGetGeneration"/>), so caches keyed on it expire exactly when that trust domain
/// changes.</para>
/// <para>The snapshot is safe to share between threads.</para>
/// </remarks>
public sealed class BundleSet
{
    private readonly FrozenDictionary<TrustDomain, Entry> _entries;
    private readonly TrustDomain[] _trustDomains;

    private BundleSet(long generation, FrozenDictionary<TrustDomain, Entry> entries)
    {
        Generation = generation;
        _entries = entries;
        _trustDomains = [.. entries.Keys.Order()];
    }

    /// <summary>Gets the empty snapshot, generation 0.</summary>
    public static BundleSet Empty { get; } = new(0, FrozenDictionary<TrustDomain, Entry>.Empty);

    /// <summary>Gets the generation: 0 for <see cref="Empty"/>, one more for each change.</summary>
    public long Generation { get; }

    /// <summary>Gets the trust domains that have an X.509 or a JWT bundle, in ordinal order.</summary>
    public IReadOnlyCollection<TrustDomain> TrustDomains => _trustDomains;

    /// <summary>Looks up the X.509 bundle of a trust domain.</summary>
    /// <param name="trustDomain">The trust domain, typically the one in the peer's leaf SPIFFE ID.</param>
    /// <param name="bundle">The bundle when found; it may hold no authorities.</param>
    /// <returns><see langword="true"/> when the trust domain has an X.509 bundle.</returns>
    /// <exception cref="ArgumentException"><paramref name="trustDomain"/> is <c>default</c>.</exception>
    public bool TryGetX509Bundle(TrustDomain trustDomain, [NotNullWhen(true)] out X509Bundle? bundle)
    {
        trustDomain.ThrowIfEmpty(nameof(trustDomain));
        bundle = _entries.TryGetValue(trustDomain, out var entry) ? entry.X509 : null;
        return bundle is not null;
    }

    /// <summary>Looks up the JWT bundle of a trust domain.</summary>
    /// <param name="trustDomain">The trust domain, typically the one in the token's <c>sub</c> claim.</param>
    /// <param name="bundle">The bundle when found; it may hold no authorities.</param>
    /// <returns><see langword="true"/> when the trust domain has a JWT bundle.</returns>
    /// <exception cref="ArgumentException"><paramref name="trustDomain"/> is <c>default</c>.</exception>
    public bool TryGetJwtBundle(TrustDomain trustDomain, [NotNullWhen(true)] out JwtBundle? bundle)
    {
        trustDomain.ThrowIfEmpty(nameof(trustDomain));
        bundle = _entries.TryGetValue(trustDomain, out var entry) ? entry.Jwt : null;
        return bundle is not null;
    }

    /// <summary>Gets the generation at which a trust domain's bundles last changed.</summary>
    /// <param name="trustDomain">The trust domain.</param>
    /// <param name="generation">The generation when the trust domain has bundles.</param>
    /// <returns><see langword="true"/> when the trust domain has an X.509 or a JWT bundle.</returns>
    /// <exception cref="ArgumentException"><paramref name="trustDomain"/> is <c>default</c>.</exception>
    public bool TryGetGeneration(TrustDomain trustDomain, out long generation)
    {
        trustDomain.ThrowIfEmpty(nameof(trustDomain));
        var found = _entries.TryGetValue(trustDomain, out var entry);
        generation = found ? entry!.Generation : 0;
        return found;
    }

    /// <summary>Returns a snapshot in which <paramref name="bundle"/> replaces the X.509 bundle of its trust domain.</summary>
    /// <param name="bundle">The new X.509 bundle.</param>
    /// <returns>A new snapshot (generation + 1), or this one when the content is unchanged.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="bundle"/> is <see langword="null"/>.</exception>
    public BundleSet With(X509Bundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var current = _entries.GetValueOrDefault(bundle.TrustDomain);
        return bundle.ContentEquals(current?.X509) ? this : Put(bundle.TrustDomain, bundle, current?.Jwt);
    }

    /// <summary>Returns a snapshot in which <paramref name="bundle"/> replaces the JWT bundle of its trust domain.</summary>
    /// <param name="bundle">The new JWT bundle.</param>
    /// <returns>A new snapshot (generation + 1), or this one when the content is unchanged.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="bundle"/> is <see langword="null"/>.</exception>
    public BundleSet With(JwtBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var current = _entries.GetValueOrDefault(bundle.TrustDomain);
        return bundle.ContentEquals(current?.Jwt) ? this : Put(bundle.TrustDomain, current?.X509, bundle);
    }

    /// <summary>
    /// Returns a snapshot in which the bundle document's X.509 and JWT bundles replace those of its trust domain
    /// (replace, never add: authorities missing from the document stop being trusted).
    /// </summary>
    /// <param name="bundle">The parsed bundle document.</param>
    /// <returns>A new snapshot (generation + 1), or this one when the content is unchanged.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="bundle"/> is <see langword="null"/>.</exception>
    public BundleSet With(SpiffeBundle bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var current = _entries.GetValueOrDefault(bundle.TrustDomain);
        return bundle.X509Bundle.ContentEquals(current?.X509) && bundle.JwtBundle.ContentEquals(current?.Jwt)
            ? this
            : Put(bundle.TrustDomain, bundle.X509Bundle, bundle.JwtBundle);
    }

    /// <summary>Returns a snapshot without any bundle of a trust domain.</summary>
    /// <param name="trustDomain">The trust domain to remove.</param>
    /// <returns>A new snapshot (generation + 1), or this one when the trust domain had no bundle.</returns>
    /// <exception cref="ArgumentException"><paramref name="trustDomain"/> is <c>default</c>.</exception>
    public BundleSet Without(TrustDomain trustDomain)
    {
        trustDomain.ThrowIfEmpty(nameof(trustDomain));
        if (!_entries.ContainsKey(trustDomain))
        {
            return this;
        }

        var entries = new Dictionary<TrustDomain, Entry>(_entries);
        entries.Remove(trustDomain);
        return new BundleSet(Generation + 1, entries.ToFrozenDictionary());
    }

    /// <summary>
    /// Returns a snapshot holding exactly the given bundles, as when a bundle map is loaded as the state of the
    /// world: trust domains that are absent are removed. Trust domains whose content is unchanged keep their
    /// generation.
    /// </summary>
    /// <param name="bundles">The bundle documents; each trust domain at most once.</param>
    /// <returns>A new snapshot (generation + 1), or this one when nothing changed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="bundles"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A bundle is <see langword="null"/>, or a trust domain appears twice.</exception>
    public BundleSet ReplaceAll(IEnumerable<SpiffeBundle> bundles)
    {
        ArgumentNullException.ThrowIfNull(bundles);
        var next = Generation + 1;
        var entries = new Dictionary<TrustDomain, Entry>();
        var changed = false;
        foreach (var bundle in bundles)
        {
            if (bundle is null)
            {
                throw new ArgumentException("A bundle is null.", nameof(bundles));
            }

            var current = _entries.GetValueOrDefault(bundle.TrustDomain);
            var same = current is not null && bundle.X509Bundle.ContentEquals(current.X509) && bundle.JwtBundle.ContentEquals(current.Jwt);
            changed |= !same;
            if (!entries.TryAdd(bundle.TrustDomain, same ? current! : new Entry(bundle.X509Bundle, bundle.JwtBundle, next)))
            {
                throw new ArgumentException($"Trust domain '{bundle.TrustDomain}' appears more than once.", nameof(bundles));
            }
        }

        changed |= entries.Count != _entries.Count;
        return changed ? new BundleSet(next, entries.ToFrozenDictionary()) : this;
    }

    private BundleSet Put(TrustDomain trustDomain, X509Bundle? x509, JwtBundle? jwt)
    {
        var next = Generation + 1;
        var entries = new Dictionary<TrustDomain, Entry>(_entries) { [trustDomain] = new Entry(x509, jwt, next) };
        return new BundleSet(next, entries.ToFrozenDictionary());
    }

    private sealed record Entry(X509Bundle? X509, JwtBundle? Jwt, long Generation);
}
