using MeshInterop.Identity.Internal;

namespace MeshInterop.Identity.Authorization;

/// <summary>
/// Decides whether a validated peer SPIFFE ID is allowed. Authorizers are immutable, thread-safe and composable;
/// every decision includes the trust domain (ID-12), and a denial always carries a reason.
/// </summary>
/// <remarks>
/// Authorize only IDs that came out of SVID validation, never strings from an unvalidated source. Build
/// authorizers with the static factories; <c>default(SpiffeId)</c> and <c>default(TrustDomain)</c> arguments are
/// rejected when the authorizer is built, because an authorizer built from an empty value would silently match
/// nothing (or everything).
/// </remarks>
public abstract class SpiffeAuthorizer
{
    private protected SpiffeAuthorizer()
    {
    }

    /// <summary>Gets an authorizer that allows every validated ID. Only the trust-domain policy and the loaded bundles then restrict peers, so use it deliberately.</summary>
    public static SpiffeAuthorizer Any { get; } = new AnyAuthorizer();

    /// <summary>Gets an authorizer that denies every ID.</summary>
    public static SpiffeAuthorizer None { get; } = new NoneAuthorizer();

    /// <summary>Creates an authorizer that allows exactly one ID (ordinal equality of the canonical form, no prefix semantics).</summary>
    /// <param name="id">The allowed ID.</param>
    /// <returns>The authorizer.</returns>
    /// <exception cref="ArgumentException"><paramref name="id"/> is <c>default</c>.</exception>
    public static SpiffeAuthorizer Exact(SpiffeId id)
    {
        RequireId(id, nameof(id));
        return new OneOfAuthorizer([id]);
    }

    /// <summary>Creates an authorizer that allows any of a set of IDs (ordinal equality).</summary>
    /// <param name="ids">The allowed IDs; at least one. To deny everything, use <see cref="None"/>.</param>
    /// <returns>The authorizer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ids"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="ids"/> is empty or holds <c>default(SpiffeId)</c>.</exception>
    public static SpiffeAuthorizer OneOf(IEnumerable<SpiffeId> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var set = new List<SpiffeId>();
        foreach (var id in ids)
        {
            RequireId(id, nameof(ids));
            set.Add(id);
        }

        if (set.Count == 0)
        {
            throw new ArgumentException("OneOf needs at least one ID; to deny everything, use SpiffeAuthorizer.None.", nameof(ids));
        }

        return new OneOfAuthorizer(set);
    }

    /// <summary>Creates an authorizer that allows every ID of one trust domain.</summary>
    /// <param name="trustDomain">The allowed trust domain.</param>
    /// <returns>The authorizer.</returns>
    /// <exception cref="ArgumentException"><paramref name="trustDomain"/> is <c>default</c>.</exception>
    public static SpiffeAuthorizer MemberOf(TrustDomain trustDomain)
    {
        trustDomain.ThrowIfEmpty(nameof(trustDomain));
        return new MemberOfAuthorizer([trustDomain]);
    }

    /// <summary>Creates an authorizer that allows every ID of any of a set of trust domains.</summary>
    /// <param name="trustDomains">The allowed trust domains; at least one.</param>
    /// <returns>The authorizer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="trustDomains"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="trustDomains"/> is empty or holds <c>default(TrustDomain)</c>.</exception>
    public static SpiffeAuthorizer MemberOfAny(IEnumerable<TrustDomain> trustDomains)
    {
        ArgumentNullException.ThrowIfNull(trustDomains);
        var set = new List<TrustDomain>();
        foreach (var trustDomain in trustDomains)
        {
            trustDomain.ThrowIfEmpty(nameof(trustDomains));
            set.Add(trustDomain);
        }

        if (set.Count == 0)
        {
            throw new ArgumentException("MemberOfAny needs at least one trust domain; to deny everything, use SpiffeAuthorizer.None.", nameof(trustDomains));
        }

        return new MemberOfAuthorizer(set);
    }

    /// <summary>
    /// Creates an authorizer that allows IDs of a trust domain whose path is <paramref name="pathPrefix"/> or lies
    /// below it, segment by segment: <c>/ns/a</c> allows <c>/ns/a</c> and <c>/ns/a/x</c>, never <c>/ns/ab</c>.
    /// The comparison is case-sensitive.
    /// </summary>
    /// <param name="trustDomain">The trust domain the IDs must belong to.</param>
    /// <param name="pathPrefix">A valid, non-empty path without a trailing slash, such as <c>/ns/prod</c>.</param>
    /// <returns>The authorizer.</returns>
    /// <exception cref="ArgumentException"><paramref name="trustDomain"/> is <c>default</c>, or <paramref name="pathPrefix"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="pathPrefix"/> is <see langword="null"/>.</exception>
    /// <exception cref="SpiffeIdFormatException"><paramref name="pathPrefix"/> is not a valid path.</exception>
    public static SpiffeAuthorizer PathPrefix(TrustDomain trustDomain, string pathPrefix)
    {
        trustDomain.ThrowIfEmpty(nameof(trustDomain));
        ArgumentException.ThrowIfNullOrEmpty(pathPrefix);
        var error = SpiffeIdScanner.ScanPath(pathPrefix.AsSpan(), out var index);
        if (error != SpiffeIdError.None)
        {
            throw new SpiffeIdFormatException(error, index);
        }

        return new PathPrefixAuthorizer(trustDomain, pathPrefix);
    }

    /// <summary>Creates an authorizer from a predicate, for rules the other authorizers cannot express.</summary>
    /// <param name="predicate">Returns <see langword="true"/> to allow; it must be thread-safe and must not throw.</param>
    /// <param name="description">What the predicate checks, used in <see cref="ToString"/>.</param>
    /// <returns>The authorizer; denials read <c>unexpected ID "&lt;id&gt;"</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="description"/> is null or empty.</exception>
    public static SpiffeAuthorizer Predicate(Func<SpiffeId, bool> predicate, string description)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ArgumentException.ThrowIfNullOrEmpty(description);
        return new PredicateAuthorizer(predicate, description);
    }

    /// <summary>Creates an authorizer that allows an ID only when every one of <paramref name="authorizers"/> does; it reports the first denial.</summary>
    /// <param name="authorizers">The authorizers; at least one.</param>
    /// <returns>The authorizer.</returns>
    /// <exception cref="ArgumentException"><paramref name="authorizers"/> is empty or holds <see langword="null"/>.</exception>
    public static SpiffeAuthorizer And(params ReadOnlySpan<SpiffeAuthorizer> authorizers)
        => new AndAuthorizer(RequireAuthorizers(authorizers, nameof(And)));

    /// <summary>Creates an authorizer that allows an ID when any one of <paramref name="authorizers"/> does; a denial lists every reason.</summary>
    /// <param name="authorizers">The authorizers; at least one.</param>
    /// <returns>The authorizer.</returns>
    /// <exception cref="ArgumentException"><paramref name="authorizers"/> is empty or holds <see langword="null"/>.</exception>
    public static SpiffeAuthorizer Or(params ReadOnlySpan<SpiffeAuthorizer> authorizers)
        => new OrAuthorizer(RequireAuthorizers(authorizers, nameof(Or)));

    /// <summary>Decides whether a validated ID is allowed.</summary>
    /// <param name="id">The peer's ID, as produced by SVID validation.</param>
    /// <returns>The decision, with a reason when denied.</returns>
    /// <exception cref="ArgumentException"><paramref name="id"/> is <c>default</c>.</exception>
    public SpiffeAuthorizationResult Authorize(SpiffeId id)
    {
        RequireId(id, nameof(id));
        return AuthorizeCore(id);
    }

    /// <summary>Describes the policy, for logs.</summary>
    /// <returns>A description such as <c>MemberOf(example.org)</c>.</returns>
    public abstract override string ToString();

    private protected abstract SpiffeAuthorizationResult AuthorizeCore(SpiffeId id);

    private protected static SpiffeAuthorizationResult UnexpectedId(SpiffeId id) => SpiffeAuthorizationResult.Denied($"unexpected ID \"{id}\"");

    private protected static SpiffeAuthorizationResult UnexpectedTrustDomain(TrustDomain trustDomain)
        => SpiffeAuthorizationResult.Denied($"unexpected trust domain \"{trustDomain}\"");

    private static void RequireId(SpiffeId id, string paramName)
    {
        if (id.IsEmpty)
        {
            throw new ArgumentException("default(SpiffeId) is not a valid SPIFFE ID.", paramName);
        }
    }

    private static SpiffeAuthorizer[] RequireAuthorizers(ReadOnlySpan<SpiffeAuthorizer> authorizers, string combinator)
    {
        if (authorizers.IsEmpty)
        {
            throw new ArgumentException($"{combinator} needs at least one authorizer.", nameof(authorizers));
        }

        foreach (var authorizer in authorizers)
        {
            if (authorizer is null)
            {
                throw new ArgumentException($"{combinator} was given a null authorizer.", nameof(authorizers));
            }
        }

        return authorizers.ToArray();
    }

    private sealed class AnyAuthorizer : SpiffeAuthorizer
    {
        public override string ToString() => "Any";

        private protected override SpiffeAuthorizationResult AuthorizeCore(SpiffeId id) => SpiffeAuthorizationResult.Authorized;
    }

    private sealed class NoneAuthorizer : SpiffeAuthorizer
    {
        public override string ToString() => "None";

        private protected override SpiffeAuthorizationResult AuthorizeCore(SpiffeId id) => UnexpectedId(id);
    }

    private sealed class OneOfAuthorizer(IReadOnlyCollection<SpiffeId> ids) : SpiffeAuthorizer
    {
        // SpiffeId equality and hashing are ordinal over the canonical form.
        private readonly System.Collections.Frozen.FrozenSet<SpiffeId> _ids = System.Collections.Frozen.FrozenSet.ToFrozenSet(ids);

        public override string ToString() => _ids.Count == 1 ? $"Exact({_ids.First()})" : $"OneOf({string.Join(", ", _ids.Order())})";

        private protected override SpiffeAuthorizationResult AuthorizeCore(SpiffeId id)
            => _ids.Contains(id) ? SpiffeAuthorizationResult.Authorized : UnexpectedId(id);
    }

    private sealed class MemberOfAuthorizer(IReadOnlyCollection<TrustDomain> trustDomains) : SpiffeAuthorizer
    {
        private readonly System.Collections.Frozen.FrozenSet<TrustDomain> _trustDomains = System.Collections.Frozen.FrozenSet.ToFrozenSet(trustDomains);

        public override string ToString() => $"MemberOf({string.Join(", ", _trustDomains.Order())})";

        private protected override SpiffeAuthorizationResult AuthorizeCore(SpiffeId id)
        {
            var trustDomain = id.TrustDomain;
            return _trustDomains.Contains(trustDomain) ? SpiffeAuthorizationResult.Authorized : UnexpectedTrustDomain(trustDomain);
        }
    }

    private sealed class PathPrefixAuthorizer(TrustDomain trustDomain, string prefix) : SpiffeAuthorizer
    {
        public override string ToString() => $"PathPrefix({trustDomain}, {prefix})";

        private protected override SpiffeAuthorizationResult AuthorizeCore(SpiffeId id)
        {
            if (!id.MemberOf(trustDomain))
            {
                return UnexpectedTrustDomain(id.TrustDomain);
            }

            // Segment-aware: the prefix must end where a segment ends.
            var path = id.Path;
            var matches = path.StartsWith(prefix.AsSpan(), StringComparison.Ordinal)
                && (path.Length == prefix.Length || path[prefix.Length] == '/');
            return matches ? SpiffeAuthorizationResult.Authorized : UnexpectedId(id);
        }
    }

    private sealed class PredicateAuthorizer(Func<SpiffeId, bool> predicate, string description) : SpiffeAuthorizer
    {
        public override string ToString() => $"Predicate({description})";

        private protected override SpiffeAuthorizationResult AuthorizeCore(SpiffeId id)
            => predicate(id) ? SpiffeAuthorizationResult.Authorized : UnexpectedId(id);
    }

    private sealed class AndAuthorizer(SpiffeAuthorizer[] authorizers) : SpiffeAuthorizer
    {
        public override string ToString() => $"And({string.Join<SpiffeAuthorizer>(", ", authorizers)})";

        private protected override SpiffeAuthorizationResult AuthorizeCore(SpiffeId id)
        {
            foreach (var authorizer in authorizers)
            {
                var result = authorizer.AuthorizeCore(id);
                if (!result.IsAuthorized)
                {
                    return result;
                }
            }

            return SpiffeAuthorizationResult.Authorized;
        }
    }

    private sealed class OrAuthorizer(SpiffeAuthorizer[] authorizers) : SpiffeAuthorizer
    {
        public override string ToString() => $"Or({string.Join<SpiffeAuthorizer>(", ", authorizers)})";

        private protected override SpiffeAuthorizationResult AuthorizeCore(SpiffeId id)
        {
            List<string>? reasons = null;
            foreach (var authorizer in authorizers)
            {
                var result = authorizer.AuthorizeCore(id);
                if (result.IsAuthorized)
                {
                    return result;
                }

                (reasons ??= []).Add(result.Reason!);
            }

            return SpiffeAuthorizationResult.Denied(string.Join("; ", reasons!.Distinct(StringComparer.Ordinal)));
        }
    }
}
