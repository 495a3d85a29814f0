using System.Net.Security;
using System.Security.Authentication;
using MeshInterop.Identity.Tls;
using MeshInterop.Identity.X509;
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
        var alpn = Alpn(listenOptions.Protocols);
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

    /// <summary>
    /// Serves this listener over server-only TLS with the current X.509-SVID (no client certificate is requested):
    /// the <c>https_spiffe</c> profile of the SPIFFE federation bundle endpoint, which must not require client
    /// authentication (F-4, F-7). SVID rotation applies to new connections.
    /// </summary>
    /// <param name="listenOptions">The listener.</param>
    /// <param name="svids">The source of the SVID to present.</param>
    /// <returns><paramref name="listenOptions"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static ListenOptions UseSpiffeServerTls(this ListenOptions listenOptions, IX509SvidSource svids)
    {
        ArgumentNullException.ThrowIfNull(listenOptions);
        ArgumentNullException.ThrowIfNull(svids);
        var alpn = Alpn(listenOptions.Protocols);
        return listenOptions.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = _ => ValueTask.FromResult(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = svids.Current.CertificateContext,
                ClientCertificateRequired = false,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ApplicationProtocols = alpn,
            }),
        });
    }

    private static List<SslApplicationProtocol> Alpn(HttpProtocols protocols)
    {
        var alpn = new List<SslApplicationProtocol>();
        if ((protocols & HttpProtocols.Http2) != 0)
            alpn.Add(SslApplicationProtocol.Http2);
        if ((protocols & HttpProtocols.Http1) != 0)
            alpn.Add(SslApplicationProtocol.Http11);
        return alpn;
    }
}
