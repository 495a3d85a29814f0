using System.Net.Security;
using MeshInterop.Identity.Tls;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Microsoft.AspNetCore.Hosting;

/// <summary>SPIFFE mutual TLS for Kestrel listeners.</summary>
public static class SpiffeListenOptionsExtensions
{
    /// <summary>
    /// Serves this listener over SPIFFE mTLS: every connection gets options from <see cref="SpiffeTls.CreateServerOptions"/>
    /// (the current SVID, client certificates required, the current bundles), so SVID and bundle rotations apply to new
    /// connections without restarting Kestrel. Kestrel's own certificate validation is bypassed entirely.
    /// Set <see cref="ListenOptions.Protocols"/> before calling this method; ALPN is derived from it.
    /// </summary>
    /// <param name="listenOptions">The listener.</param>
    /// <param name="tls">The SPIFFE TLS configuration.</param>
    /// <returns><paramref name="listenOptions"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static ListenOptions UseSpiffeMtls(this ListenOptions listenOptions, SpiffeTls tls)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        ArgumentNullException.ThrowIfNull(tls);
        var protocols = listenOptions.Protocols;
        var alpn = new List<SslApplicationProtocol>();
        if ((protocols & HttpProtocols.Http2) != 0)
            alpn.Add(SslApplicationProtocol.Http2);
        if ((protocols & HttpProtocols.Http1) != 0)
            alpn.Add(SslApplicationProtocol.Http11);

        return listenOptions.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = _ =>
            {
                var options = tls.CreateServerOptions();
                options.ApplicationProtocols = alpn;
                return ValueTask.FromResult(options);
            },
        });
    }
}
