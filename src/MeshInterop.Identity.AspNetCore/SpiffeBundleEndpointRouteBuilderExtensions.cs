using MeshInterop.Identity;
using MeshInterop.Identity.Bundles;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the SPIFFE federation bundle endpoint (reference 4.6, server side).</summary>
public static class SpiffeBundleEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves the current bundle of <paramref name="trustDomain"/> from <paramref name="bundles"/> as a SPIFFE bundle
    /// document: GET only (other methods get 405), <c>application/json</c>, <c>spiffe_sequence</c> set to the trust
    /// domain's bundle generation (it grows on every content change) and <c>spiffe_refresh_hint</c>; 503 until a bundle
    /// exists. The endpoint is public by design: do not put authentication on it (F-4).
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="pattern">The route, for example <c>/bundle</c>.</param>
    /// <param name="bundles">The source of this mesh's bundles.</param>
    /// <param name="trustDomain">The trust domain whose bundle is served.</param>
    /// <param name="refreshHint">The refresh hint to advertise, a whole number of seconds.</param>
    /// <returns>The endpoint convention builder.</returns>
    /// <exception cref="ArgumentNullException">A reference argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="trustDomain"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="refreshHint"/> is not a positive whole number of seconds.</exception>
    public static IEndpointConventionBuilder MapSpiffeBundleEndpoint(this IEndpointRouteBuilder endpoints, string pattern, IBundleSource bundles, TrustDomain trustDomain, TimeSpan refreshHint)
    {
        ArgumentNullException.ThrowIfNull(bundles);
        if (trustDomain.IsEmpty)
            throw new ArgumentException("The trust domain is empty (default(TrustDomain)).", nameof(trustDomain));
        if (refreshHint <= TimeSpan.Zero || refreshHint.Ticks % TimeSpan.TicksPerSecond != 0)
            throw new ArgumentOutOfRangeException(nameof(refreshHint), refreshHint, "The refresh hint must be a positive whole number of seconds.");

        return endpoints.MapSpiffeBundleEndpoint(pattern, () =>
        {
            var snapshot = bundles.Current;
            if (!snapshot.TryGetX509Bundle(trustDomain, out var x509))
                return null;
            var jwt = snapshot.TryGetJwtBundle(trustDomain, out var found) ? found : new JwtBundle(trustDomain, []);
            snapshot.TryGetGeneration(trustDomain, out var generation);
            return new SpiffeBundle(x509, jwt, (ulong)generation, refreshHint);
        });
    }

    /// <summary>Serves the bundle that <paramref name="bundleProvider"/> returns per request; <see langword="null"/> answers 503.</summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="pattern">The route, for example <c>/bundle</c>.</param>
    /// <param name="bundleProvider">Returns the most up-to-date bundle (F-4), with its sequence and refresh hint.</param>
    /// <returns>The endpoint convention builder.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IEndpointConventionBuilder MapSpiffeBundleEndpoint(this IEndpointRouteBuilder endpoints, string pattern, Func<SpiffeBundle?> bundleProvider)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(bundleProvider);
        return endpoints.MapMethods(pattern, [HttpMethods.Get], async context =>
        {
            var bundle = bundleProvider();
            if (bundle is null)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }

            var body = bundle.ToUtf8Json();
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = body.Length;
            context.Response.Headers.CacheControl = "no-store";
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        });
    }
}
