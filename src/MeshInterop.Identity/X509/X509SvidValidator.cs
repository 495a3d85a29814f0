using System.Collections.Frozen;
using System.Security.Cryptography.X509Certificates;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.Internal;

namespace MeshInterop.Identity.X509;

/// <summary>
/// Verifies a peer's X.509-SVID against the bundle of the leaf's own trust domain, and nothing else: the complete
/// leaf profile (X-1 … X-5), signing-certificate pre-checks, a chain build with only that trust domain's authorities,
/// and a byte-exact anchor check. Failures are results, never exceptions. Positive results are cached per bundle
/// generation until the chain's earliest NotAfter.
/// </summary>
public sealed class X509SvidValidator
{
    private readonly IBundleSource _bundles;
    private readonly TimeProvider _timeProvider;
    private readonly VerificationCache _cache;
    private readonly FrozenSet<TrustDomain>? _allowedTrustDomains;
    private readonly X509SvidValidatorOptions _options;

    /// <summary>Initializes a new instance of the <see cref="X509SvidValidator"/> class.</summary>
    /// <param name="bundles">The source of trust bundles; its current snapshot is read on every call.</param>
    /// <param name="options">The validation options, copied at construction; <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock that decides validity; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="bundles"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The chain length limit is below 1 or the cache size is negative.</exception>
    /// <exception cref="ArgumentException">An allowed trust domain is empty.</exception>
    public X509SvidValidator(IBundleSource bundles, X509SvidValidatorOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(bundles);
        options ??= new X509SvidValidatorOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxChainLength, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.CacheSize, nameof(options));
        _options = new X509SvidValidatorOptions
        {
            RequireBasicConstraints = options.RequireBasicConstraints,
            RequireCriticalKeyUsage = options.RequireCriticalKeyUsage,
            StrictIssuerProfile = options.StrictIssuerProfile,
            EkuPolicy = options.EkuPolicy,
            IdParseOptions = options.IdParseOptions,
            AllowedTrustDomains = options.AllowedTrustDomains,
            MaxChainLength = Math.Min(options.MaxChainLength, 16),
            CacheSize = options.CacheSize,
            RevocationMode = options.RevocationMode,
        };
        if (options.AllowedTrustDomains is { } allowed)
        {
            foreach (var trustDomain in allowed)
            {
                if (trustDomain.IsEmpty)
                    throw new ArgumentException("An allowed trust domain is empty (default(TrustDomain)); list real trust domains.", nameof(options));
            }

            _allowedTrustDomains = allowed.ToFrozenSet();
        }

        _bundles = bundles;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _cache = new VerificationCache(options.CacheSize);
    }

    /// <summary>
    /// Occurs when an SVID's chain leads to no authority of its trust domain's loaded bundle: the peer's CA may have
    /// rotated. <see cref="Federation.FederatedBundleRefresher.WatchForUnknownAuthorities"/> turns this into an early,
    /// rate-limited bundle refresh. Handlers run on the validating thread and must be quick and must not throw.
    /// </summary>
    public event EventHandler<UnknownAuthorityEventArgs>? UnknownAuthority;

    /// <summary>Gets the bundle source this validator reads.</summary>
    public IBundleSource Bundles => _bundles;

    /// <summary>Gets the clock this validator uses.</summary>
    public TimeProvider TimeProvider => _timeProvider;

    internal X509SvidValidatorOptions Options => _options;

    internal int CachedCount => _cache.Count;

    /// <summary>Validates a peer leaf and the intermediates it presented against the current bundle snapshot.</summary>
    /// <param name="leaf">The peer's leaf certificate.</param>
    /// <param name="intermediates">The certificates the peer presented after its leaf, if any.</param>
    /// <param name="role">The TLS role the peer presents the certificate in; selects the EKU check.</param>
    /// <returns>The verdict; never <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="leaf"/> is <see langword="null"/>.</exception>
    public X509SvidValidationResult Validate(X509Certificate2 leaf, X509Certificate2Collection? intermediates, TlsRole role) =>
        Validate(leaf, intermediates, _bundles.Current, role);

    /// <summary>Validates a peer leaf and its presented intermediates against the current bundle snapshot, without a TLS role (EKU unchecked).</summary>
    /// <param name="leaf">The peer's leaf certificate.</param>
    /// <param name="intermediates">The certificates the peer presented after its leaf, if any.</param>
    /// <returns>The verdict; never <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="leaf"/> is <see langword="null"/>.</exception>
    public X509SvidValidationResult Validate(X509Certificate2 leaf, X509Certificate2Collection? intermediates) =>
        Validate(leaf, intermediates, _bundles.Current, TlsRole.Unspecified);

    /// <summary>Validates a peer leaf that presented no intermediates against the current bundle snapshot.</summary>
    /// <param name="leaf">The peer's leaf certificate.</param>
    /// <returns>The verdict; never <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="leaf"/> is <see langword="null"/>.</exception>
    public X509SvidValidationResult Validate(X509Certificate2 leaf) =>
        Validate(leaf, null, _bundles.Current, TlsRole.Unspecified);

    /// <summary>Validates a peer leaf and the intermediates it presented against an explicit bundle snapshot.</summary>
    /// <param name="leaf">The peer's leaf certificate.</param>
    /// <param name="intermediates">The certificates the peer presented after its leaf, if any.</param>
    /// <param name="bundles">The bundle snapshot to trust.</param>
    /// <param name="role">The TLS role the peer presents the certificate in; selects the EKU check.</param>
    /// <returns>The verdict; never <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="leaf"/> or <paramref name="bundles"/> is <see langword="null"/>.</exception>
    public X509SvidValidationResult Validate(X509Certificate2 leaf, X509Certificate2Collection? intermediates, BundleSet bundles, TlsRole role)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(bundles);
        var presented = Presented(leaf, intermediates, out var tooLong);
        return tooLong ?? ValidateCore(leaf, presented, bundles, role, platformChain: null);
    }

    /// <summary>
    /// Validates a chain the TLS stack already built (the single build per handshake): the leaf profile, the
    /// trust-domain policy, the chain status and the anchor check against the leaf trust domain's bundle in
    /// <paramref name="bundles"/>. The presented intermediates are read from the chain policy's extra store.
    /// </summary>
    /// <param name="leaf">The peer's leaf certificate.</param>
    /// <param name="chain">The chain the platform built with a MeshInterop chain policy.</param>
    /// <param name="bundles">The snapshot whose authorities the chain policy trusted.</param>
    /// <param name="role">The TLS role the peer presents the certificate in.</param>
    /// <returns>The verdict; never <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public X509SvidValidationResult ValidatePlatformChain(X509Certificate2 leaf, X509Chain chain, BundleSet bundles, TlsRole role)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(bundles);
        var presented = Presented(leaf, chain.ChainPolicy.ExtraStore, out var tooLong);
        return tooLong ?? ValidateCore(leaf, presented, bundles, role, chain);
    }

    /// <summary>Drops every cached result (for tests and for operators who revoke out of band).</summary>
    public void ClearCache() => _cache.Clear();

    private X509Certificate2[] Presented(X509Certificate2 leaf, X509Certificate2Collection? intermediates, out X509SvidValidationResult? tooLong)
    {
        tooLong = null;
        if (intermediates is null || intermediates.Count == 0)
            return [];
        if (intermediates.Count > 4 * _options.MaxChainLength)
        {
            // Bounds the duplicate scan below; no honest peer repeats its chain four times over.
            tooLong = X509SvidValidationResult.Fail(X509SvidFailure.ChainTooLong, $"the peer presented {intermediates.Count + 1} certificates", certificateIndex: intermediates.Count);
            return [];
        }

        // Byte-identical duplicates (and copies of the leaf, which SslStream's extra store contains) are dropped
        // before counting, so honest peers are never penalised for them.
        var unique = new X509Certificate2[Math.Min(intermediates.Count, _options.MaxChainLength)];
        var count = 0;
        var leafDer = leaf.RawDataMemory.Span;
        for (var i = 0; i < intermediates.Count; i++)
        {
            var candidate = intermediates[i];
            var raw = candidate.RawDataMemory.Span;
            if (raw.SequenceEqual(leafDer))
                continue;
            var seen = false;
            for (var j = 0; j < count && !seen; j++)
                seen = unique[j].RawDataMemory.Span.SequenceEqual(raw);
            if (seen)
                continue;
            if (count + 2 > _options.MaxChainLength)
            {
                tooLong = X509SvidValidationResult.Fail(
                    X509SvidFailure.ChainTooLong,
                    $"the peer presented more than {_options.MaxChainLength} certificates",
                    certificateIndex: count + 1);
                return [];
            }

            unique[count++] = candidate;
        }

        return count == unique.Length ? unique : unique[..count];
    }

    private X509SvidValidationResult ValidateCore(X509Certificate2 leaf, X509Certificate2[] intermediates, BundleSet bundles, TlsRole role, X509Chain? platformChain)
    {
        var now = _timeProvider.GetUtcNow();

        // The leaf profile is a pure function of the exact bytes a hit is compared against, so a hit may skip it; the
        // trust-domain policy and the EKU role still run on every call.
        var key = VerificationKey.Create(leaf, intermediates, bundles.Generation);
        if (_cache.TryGet(key, leaf, intermediates, now, out var cached))
        {
            return CheckTrustDomain(cached!.Facts.Id)
                ?? SvidProfile.CheckEku(cached.Facts, _options.EkuPolicy, role)
                ?? cached.Result;
        }

        var failure = SvidProfile.CheckLeaf(leaf, _options, out var facts);
        if (failure is not null)
            return failure;
        failure = SvidProfile.CheckEku(facts, _options.EkuPolicy, role);
        if (failure is not null)
            return failure;
        for (var i = 0; i < intermediates.Length; i++)
        {
            failure = SvidProfile.CheckSigningCertificate(intermediates[i], i + 1, facts.Id, _options.StrictIssuerProfile);
            if (failure is not null)
                return failure;
        }

        failure = CheckTrustDomain(facts.Id);
        if (failure is not null)
            return failure;

        var trustDomain = facts.Id.TrustDomain;
        if (!bundles.TryGetX509Bundle(trustDomain, out var bundle) || bundle is null)
            return X509SvidValidationResult.Fail(X509SvidFailure.BundleNotFound, $"no bundle is loaded for trust domain '{trustDomain}' of '{facts.Id}'", facts.Id);
        var authorities = bundle.Authorities;
        if (authorities.Count == 0)
            return X509SvidValidationResult.Fail(X509SvidFailure.NoAuthorities, $"the bundle of trust domain '{trustDomain}' has no X.509 authorities, so none of its SVIDs is trusted", facts.Id);

        X509SvidValidationResult result;
        if (platformChain is not null)
        {
            result = SvidChainVerifier.Evaluate(platformChain, leaf, facts.Id, authorities, copyChain: true);

            // Only the same-subject case justifies a second build (reference 5.2, step 3): the pooled store of the
            // single build may hold a same-named root of another trust domain (or a rotated one), which OpenSSL can
            // pick instead of the right one for certificates without an AKI.
            if (!result.IsValid && (result.Failure is X509SvidFailure.SignatureInvalid or X509SvidFailure.UntrustedChain)
                && SvidChainVerifier.HasSameSubjectRoots(leaf, intermediates, platformChain.ChainPolicy.CustomTrustStore))
            {
                var rebuilt = SvidChainVerifier.Build(leaf, intermediates, facts.Id, authorities, now, _options.RevocationMode);
                if (rebuilt.IsValid)
                    result = rebuilt;
            }
        }
        else
        {
            result = SvidChainVerifier.Build(leaf, intermediates, facts.Id, authorities, now, _options.RevocationMode);
        }

        if (result.IsValid)
            _cache.Add(key, new VerificationEntry(result, facts, leaf, intermediates));
        else if (result.Failure is X509SvidFailure.UntrustedChain or X509SvidFailure.SignatureInvalid)
            UnknownAuthority?.Invoke(this, new UnknownAuthorityEventArgs(facts.Id));
        return result;
    }

    internal bool IsTrustDomainAllowed(TrustDomain trustDomain) => _allowedTrustDomains is null || _allowedTrustDomains.Contains(trustDomain);

    private X509SvidValidationResult? CheckTrustDomain(SpiffeId id) =>
        _allowedTrustDomains is null || _allowedTrustDomains.Contains(id.TrustDomain)
            ? null
            : X509SvidValidationResult.Fail(X509SvidFailure.TrustDomainNotAllowed, $"trust domain '{id.TrustDomain}' of '{id}' is not accepted by this validator", id);
}
