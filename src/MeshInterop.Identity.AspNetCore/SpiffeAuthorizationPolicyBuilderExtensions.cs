using MeshInterop.Identity;
using MeshInterop.Identity.AspNetCore;
using MeshInterop.Identity.Authorization;

namespace Microsoft.AspNetCore.Authorization;

/// <summary>Authorization policy requirements on the SPIFFE claims, backed by <see cref="SpiffeAuthorizer"/>.</summary>
public static class SpiffeAuthorizationPolicyBuilderExtensions
{
    /// <summary>Requires an authenticated SPIFFE ID that <paramref name="authorizer"/> accepts.</summary>
    /// <param name="builder">The policy builder.</param>
    /// <param name="authorizer">The authorizer.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static AuthorizationPolicyBuilder RequireSpiffe(this AuthorizationPolicyBuilder builder, SpiffeAuthorizer authorizer)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(authorizer);
        return builder.RequireAssertion(context =>
            context.User.FindFirst(SpiffeAuthenticationDefaults.SpiffeIdClaimType)?.Value is { } value
            && SpiffeId.TryParse(value, out var id)
            && authorizer.Authorize(id).IsAuthorized);
    }

    /// <summary>Requires exactly the SPIFFE ID <paramref name="id"/>.</summary>
    /// <param name="builder">The policy builder.</param>
    /// <param name="id">The ID.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static AuthorizationPolicyBuilder RequireSpiffeId(this AuthorizationPolicyBuilder builder, SpiffeId id) =>
        builder.RequireSpiffe(SpiffeAuthorizer.Exact(id));

    /// <summary>Requires a SPIFFE ID in <paramref name="trustDomain"/>.</summary>
    /// <param name="builder">The policy builder.</param>
    /// <param name="trustDomain">The trust domain.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static AuthorizationPolicyBuilder RequireTrustDomain(this AuthorizationPolicyBuilder builder, TrustDomain trustDomain) =>
        builder.RequireSpiffe(SpiffeAuthorizer.MemberOf(trustDomain));

    /// <summary>Requires a SPIFFE ID in <paramref name="trustDomain"/> whose path is <paramref name="pathPrefix"/> or below it (segment-aware).</summary>
    /// <param name="builder">The policy builder.</param>
    /// <param name="trustDomain">The trust domain.</param>
    /// <param name="pathPrefix">The path prefix, for example <c>/ns/prod</c>.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static AuthorizationPolicyBuilder RequireSpiffePathPrefix(this AuthorizationPolicyBuilder builder, TrustDomain trustDomain, string pathPrefix) =>
        builder.RequireSpiffe(SpiffeAuthorizer.PathPrefix(trustDomain, pathPrefix));
}
