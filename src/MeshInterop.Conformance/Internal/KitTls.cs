using Grpc.Net.Client;
using MeshInterop.Identity.Authorization;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.Tls;
using MeshInterop.Identity.X509;

namespace MeshInterop.Conformance.Internal;

/// <summary>Builds the kit's TLS configurations from the run's options, one per <see cref="KitDial"/>.</summary>
internal sealed class KitTls
{
    private readonly ConformanceRunnerOptions _options;
    private readonly TimeProvider _time;
    private readonly X509SvidValidator _validator;
    private readonly SpiffeAuthorizer _authorizer;

    public KitTls(ConformanceRunnerOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _validator = new X509SvidValidator(new InMemoryBundleSource(options.Tls.Bundles!), timeProvider: time);
        _authorizer = options.Tls.ExpectedTargetId is { } expected
            ? SpiffeAuthorizer.Exact(expected)
            : SpiffeAuthorizer.MemberOfAny(options.Tls.Bundles!.TrustDomains);
    }

    /// <summary>The SPIFFE TLS configuration for a dial mode that presents a certificate.</summary>
    public SpiffeTls Spiffe(KitDial dial)
    {
        var svid = dial switch
        {
            KitDial.Default => _options.Tls.Identity!,
            KitDial.UntrustedAuthority => KitCertificates.UntrustedSvid(_options.Tls.Identity!.SpiffeId, _time),
            KitDial.ForeignTrustDomain => _options.Tls.ForeignTrustDomainIdentity
                ?? throw new InvalidOperationException("No foreign-trust-domain identity is configured."),
            _ => throw new ArgumentOutOfRangeException(nameof(dial), dial, "This dial mode presents no SPIFFE certificate."),
        };
        return new SpiffeTls(new InMemoryX509SvidSource(svid), _validator, _authorizer);
    }

    /// <summary>A channel to an owner target, dialled as <paramref name="dial"/> says.</summary>
    public GrpcChannel Channel(Uri target, KitDial dial, Action<SocketsHttpHandler>? configure = null)
    {
        HttpMessageHandler handler;
        var address = target;
        switch (dial)
        {
            case KitDial.Plaintext:
                address = new UriBuilder(target) { Scheme = Uri.UriSchemeHttp }.Uri;
                var plain = new SocketsHttpHandler();
                configure?.Invoke(plain);
                handler = plain;
                break;
            case KitDial.NoClientCertificate:
                var anonymous = new SocketsHttpHandler();
                configure?.Invoke(anonymous);

                // The server is verified as usual; only the client certificate is left out.
                Spiffe(KitDial.Default).Configure(anonymous);
                anonymous.SslOptions.ClientCertificateContext = null;
                anonymous.SslOptions.ClientCertificates = null;
                anonymous.SslOptions.LocalCertificateSelectionCallback = null;
                handler = anonymous;
                break;
            default:
                handler = Spiffe(dial).CreateHttpHandler(h => configure?.Invoke(h));
                break;
        }

        return GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
    }
}
