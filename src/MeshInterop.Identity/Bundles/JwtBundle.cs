using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace MeshInterop.Identity.Bundles;

/// <summary>
/// The JWT authorities of exactly one trust domain, by key ID. They authenticate JWT-SVIDs whose <c>sub</c> is in
/// that trust domain only; keys are never looked up across trust domains (J-9).
/// </summary>
/// <remarks>Immutable and safe to share between threads. An empty bundle means every JWT-SVID of the trust domain must be rejected.</remarks>
public sealed class JwtBundle
{
    private readonly FrozenDictionary<string, JwtAuthority> _authorities;

    /// <summary>Initializes a new instance of the <see cref="JwtBundle"/> class.</summary>
    /// <param name="trustDomain">The trust domain the authorities belong to.</param>
    /// <param name="authorities">The authorities; key IDs must be unique (ordinal).</param>
    /// <exception cref="ArgumentException"><paramref name="trustDomain"/> is <c>default</c>, an authority is <see langword="null"/>, or a key ID appears twice.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="authorities"/> is <see langword="null"/>.</exception>
    public JwtBundle(TrustDomain trustDomain, IEnumerable<JwtAuthority> authorities)
    {
        trustDomain.ThrowIfEmpty(nameof(trustDomain));
        ArgumentNullException.ThrowIfNull(authorities);
        var byKeyId = new Dictionary<string, JwtAuthority>(StringComparer.Ordinal);
        foreach (var authority in authorities)
        {
            if (authority is null)
            {
                throw new ArgumentException("An authority is null.", nameof(authorities));
            }

            if (!byKeyId.TryAdd(authority.KeyId, authority))
            {
                // An ambiguous key ID could select the wrong key; refuse rather than pick one.
                throw new ArgumentException($"Key ID '{authority.KeyId}' appears more than once in the JWT bundle of '{trustDomain}'.", nameof(authorities));
            }
        }

        TrustDomain = trustDomain;
        _authorities = byKeyId.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Gets the trust domain the authorities belong to.</summary>
    public TrustDomain TrustDomain { get; }

    /// <summary>Gets the authorities by key ID (ordinal).</summary>
    public IReadOnlyDictionary<string, JwtAuthority> Authorities => _authorities;

    /// <summary>Looks up an authority by key ID.</summary>
    /// <param name="keyId">The key ID (<c>kid</c>).</param>
    /// <param name="authority">The authority when found.</param>
    /// <returns><see langword="true"/> when the trust domain has a key with that ID.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="keyId"/> is <see langword="null"/>.</exception>
    public bool TryGetAuthority(string keyId, [NotNullWhen(true)] out JwtAuthority? authority)
    {
        ArgumentNullException.ThrowIfNull(keyId);
        return _authorities.TryGetValue(keyId, out authority);
    }

    /// <summary>Determines whether another bundle holds the same trust domain and the same keys under the same IDs.</summary>
    /// <param name="other">The other bundle.</param>
    /// <returns><see langword="true"/> when both hold the same authorities.</returns>
    public bool ContentEquals(JwtBundle? other)
    {
        if (other is null || other.TrustDomain != TrustDomain || other._authorities.Count != _authorities.Count)
        {
            return false;
        }

        foreach (var (keyId, authority) in _authorities)
        {
            if (!other._authorities.TryGetValue(keyId, out var theirs) || !authority.ContentEquals(theirs))
            {
                return false;
            }
        }

        return true;
    }
}
