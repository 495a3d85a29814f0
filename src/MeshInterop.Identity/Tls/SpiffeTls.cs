using System.Diagnostics.CodeAnalysis;
using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MeshInterop.Identity.Authorization;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.Internal;
using MeshInterop.Identity.X509;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshInterop.Identity.Tls;

/// <summary>
/// SPIFFE mutual TLS for <see cref="SslStream"/>, Kestrel and <see cref="SocketsHttpHandler"/>. Every handshake gets
/// fresh options built from the current SVID and the current bundle snapshot, so rotations apply to the next
/// connection without restarting listeners or touching established ones. Exactly one chain is built per handshake
/// (SslStream's, with a MeshInterop chain policy), then judged per trust domain by <see cref="X509SvidValidator"/>
/// and authorized by SPIFFE ID; DNS names play no part.
/// </summary>
public sealed partial class SpiffeTls
{
    private readonly ConditionalWeakTable<SslStream, X509SvidValidationResult> _peers = [];
    private readonly ILogger _logger;
    private readonly SslProtocols _protocols;
    private PolicyTemplate? _policy;

    /// <summary>Initializes a new instance of the <see cref="SpiffeTls"/> class.</summary>
    /// <param name="svids">The source of this process's own SVID, read per handshake.</param>
    /// <param name="validator">The validator for peer SVIDs; its bundle source is read per handshake.</param>
    /// <param name="authorizer">Decides which validated peer IDs may connect.</param>
    /// <param name="logger">Logs rejected peers; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException">An argument other than <paramref name="logger"/> is <see langword="null"/>.</exception>
    public SpiffeTls(IX509SvidSource svids, X509SvidValidator validator, SpiffeAuthorizer authorizer, ILogger<SpiffeTls>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(svids);
        ArgumentNullException.ThrowIfNull(validator);
        ArgumentNullException.ThrowIfNull(authorizer);
        Svids = svids;
        Validator = validator;
        Authorizer = authorizer;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _protocols = SslProtocols.Tls12 | SslProtocols.Tls13;
    }

    /// <summary>Gets the source of the SVID this process presents.</summary>
    public IX509SvidSource Svids { get; }

    /// <summary>Gets the validator that judges peer SVIDs.</summary>
    public X509SvidValidator Validator { get; }

    /// <summary>Gets the authorizer applied to every validated peer ID.</summary>
    public SpiffeAuthorizer Authorizer { get; }

    /// <summary>Gets a callback for <see cref="SslStream.AuthenticateAsServerAsync(ServerOptionsSelectionCallback, object?, CancellationToken)"/> that returns <see cref="CreateServerOptions"/> per connection.</summary>
    public ServerOptionsSelectionCallback ServerOptionsSelectionCallback =>
        (_, _, _, _) => ValueTask.FromResult(CreateServerOptions());

    /// <summary>
    /// Creates server options for one handshake: the current SVID as credential, client certificates required,
    /// TLS 1.2/1.3, a chain policy trusting only the authorities of the accepted trust domains, and a validation
    /// callback that runs the SPIFFE checks and the authorizer.
    /// </summary>
    /// <returns>Options for exactly one connection.</returns>
    public SslServerAuthenticationOptions CreateServerOptions()
    {
        var snapshot = Validator.Bundles.Current;
        return new SslServerAuthenticationOptions
        {
            ServerCertificateContext = Svids.Current.CertificateContext,
            ClientCertificateRequired = true,
            EnabledSslProtocols = _protocols,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            CertificateChainPolicy = CreateChainPolicy(snapshot),
            RemoteCertificateValidationCallback = (sender, certificate, chain, _) =>
                ValidatePeer(sender, certificate, chain, snapshot, TlsRole.Client, platformChain: true),
        };
    }

    /// <summary>
    /// Creates client options for one handshake: the current SVID as client credential, TLS 1.2/1.3, and SPIFFE
    /// validation of the server instead of host-name checks (<paramref name="targetHost"/> is only sent as SNI).
    /// </summary>
    /// <param name="targetHost">The SNI host name; SPIFFE ignores it for authentication.</param>
    /// <returns>Options for exactly one connection.</returns>
    public SslClientAuthenticationOptions CreateClientOptions(string targetHost)
    {
        var snapshot = Validator.Bundles.Current;
        return new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            ClientCertificateContext = Svids.Current.CertificateContext,
            EnabledSslProtocols = _protocols,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            CertificateChainPolicy = CreateChainPolicy(snapshot),
            RemoteCertificateValidationCallback = (sender, certificate, chain, _) =>
                ValidatePeer(sender, certificate, chain, snapshot, TlsRole.Server, platformChain: true),
        };
    }

    /// <summary>
    /// Creates an HTTP handler (for <see cref="HttpClient"/> and gRPC channels) that presents the current SVID and
    /// validates servers as SPIFFE peers. <see cref="SocketsHttpHandler"/> freezes its TLS options after the first
    /// request, so this handler starts a new inner handler when the SVID or the bundle generation changes; connections
    /// already open on the previous inner handler keep running until they go idle.
    /// </summary>
    /// <param name="configure">Adjusts each inner <see cref="SocketsHttpHandler"/> (timeouts, HTTP/2 settings); TLS settings are overwritten.</param>
    /// <returns>A handler the caller owns and disposes.</returns>
    public HttpMessageHandler CreateHttpHandler(Action<SocketsHttpHandler>? configure = null) =>
        new RotatingSpiffeHttpHandler(this, configure);

    /// <summary>
    /// Configures a <see cref="SocketsHttpHandler"/> for SPIFFE mTLS with the current SVID and bundle snapshot. The
    /// handler keeps these until it is replaced; prefer <see cref="CreateHttpHandler"/>, which follows rotation.
    /// </summary>
    /// <param name="handler">The handler to configure; it must not have sent a request yet.</param>
    /// <exception cref="ArgumentNullException"><paramref name="handler"/> is <see langword="null"/>.</exception>
    public void Configure(SocketsHttpHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Configure(handler, Svids.Current, Validator.Bundles.Current);
    }

    /// <summary>Gets the validation result of the peer that authenticated on <paramref name="stream"/>.</summary>
    /// <param name="stream">A stream that completed a handshake with options from this instance.</param>
    /// <param name="result">The peer's result; its <see cref="X509SvidValidationResult.SpiffeId"/> is the authenticated identity.</param>
    /// <returns><see langword="true"/> when the stream's peer was validated by this instance.</returns>
    public bool TryGetPeer(SslStream stream, [NotNullWhen(true)] out X509SvidValidationResult? result)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return _peers.TryGetValue(stream, out result);
    }

    internal void Configure(SocketsHttpHandler handler, X509Svid svid, BundleSet snapshot)
    {
        var ssl = handler.SslOptions;
        ssl.ClientCertificateContext = svid.CertificateContext;
        ssl.EnabledSslProtocols = _protocols;
        ssl.CertificateRevocationCheckMode = X509RevocationMode.NoCheck;
        ssl.CertificateChainPolicy = CreateChainPolicy(snapshot);

        // SocketsHttpHandler reuses these options for every connection, so the platform chain is only trusted while
        // the snapshot it was built from is current; after a bundle change the callback builds per trust domain.
        ssl.RemoteCertificateValidationCallback = (sender, certificate, chain, _) =>
        {
            var current = Validator.Bundles.Current;
            return ValidatePeer(sender, certificate, chain, current, TlsRole.Server, platformChain: current.Generation == snapshot.Generation);
        };
    }

    /// <summary>The chain policy for one connection: a clone of the per-generation template with the current time.</summary>
    internal X509ChainPolicy CreateChainPolicy(BundleSet snapshot)
    {
        var template = Volatile.Read(ref _policy);
        if (template is null || template.Generation != snapshot.Generation)
        {
            // The union of the accepted trust domains' authorities: the single SslStream build needs every possible
            // anchor, and the anchor check in the validator restores the per-trust-domain binding (reference 5.2).
            var roots = new List<X509Certificate2>();
            foreach (var trustDomain in snapshot.TrustDomains)
            {
                if (Validator.IsTrustDomainAllowed(trustDomain) && snapshot.TryGetX509Bundle(trustDomain, out var bundle))
                    roots.AddRange(bundle.Authorities);
            }

            template = new PolicyTemplate(snapshot.Generation, SvidChainVerifier.CreatePolicy(roots, Validator.TimeProvider.GetUtcNow(), Validator.Options.RevocationMode));
            Volatile.Write(ref _policy, template);
        }

        var policy = template.Policy.Clone();
        policy.VerificationTime = Validator.TimeProvider.GetUtcNow().UtcDateTime;
        return policy;
    }

    private bool ValidatePeer(object sender, X509Certificate? certificate, X509Chain? chain, BundleSet snapshot, TlsRole role, bool platformChain)
    {
        // An exception here would surface as an opaque handshake failure (reference 5.1 #9): answer false instead.
        try
        {
            if (certificate is null)
            {
                Log.PeerRejected(_logger, role, "(none)", nameof(X509SvidFailure.EmptyChain), "the peer presented no certificate");
                return false;
            }

            var leaf = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
            var result = platformChain && chain is not null
                ? Validator.ValidatePlatformChain(leaf, chain, snapshot, role)
                : Validator.Validate(leaf, chain?.ChainPolicy.ExtraStore, snapshot, role);
            if (result.IsValid)
            {
                var decision = Authorizer.Authorize(result.SpiffeId);
                if (!decision.IsAuthorized)
                    result = result.WithFailure(X509SvidFailure.Unauthorized, decision.Reason ?? $"'{result.SpiffeId}' is not authorized");
            }

            if (!result.IsValid)
            {
                Log.PeerRejected(_logger, role, result.SpiffeId.IsEmpty ? "(unknown)" : result.SpiffeId.ToString(), result.Failure.ToString(), result.Reason);
                return false;
            }

            if (sender is SslStream stream)
                _peers.AddOrUpdate(stream, result);
            return true;
        }
        catch (Exception ex)
        {
            Log.PeerValidationError(_logger, ex, role);
            return false;
        }
    }

    private sealed record PolicyTemplate(long Generation, X509ChainPolicy Policy);

    private static partial class Log
    {
        [LoggerMessage(2110, LogLevel.Warning, "Rejected TLS {Role} peer '{SpiffeId}': {Failure}: {Reason}.", EventName = nameof(PeerRejected))]
        public static partial void PeerRejected(ILogger logger, TlsRole role, string spiffeId, string failure, string reason);

        [LoggerMessage(2111, LogLevel.Error, "Validating a TLS {Role} peer failed unexpectedly; the handshake was refused.", EventName = nameof(PeerValidationError))]
        public static partial void PeerValidationError(ILogger logger, Exception exception, TlsRole role);
    }
}
