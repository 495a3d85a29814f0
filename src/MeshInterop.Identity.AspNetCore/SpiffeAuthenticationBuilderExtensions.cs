using MeshInterop.Identity.AspNetCore;
using Microsoft.AspNetCore.Authentication;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SPIFFE authentication scheme.</summary>
public static class SpiffeAuthenticationBuilderExtensions
{
    /// <summary>
    /// Adds the <see cref="SpiffeAuthenticationDefaults.AuthenticationScheme"/> scheme. A
    /// <see cref="MeshInterop.Identity.Tls.SpiffeTls"/> must be registered as a singleton (the one the Kestrel listener uses).
    /// </summary>
    /// <param name="builder">The authentication builder.</param>
    /// <param name="configure">Configures the scheme options.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static AuthenticationBuilder AddSpiffe(this AuthenticationBuilder builder, Action<SpiffeAuthenticationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddScheme<SpiffeAuthenticationOptions, SpiffeAuthenticationHandler>(SpiffeAuthenticationDefaults.AuthenticationScheme, configure);
    }
}
