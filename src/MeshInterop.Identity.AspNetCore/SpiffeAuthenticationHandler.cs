using System.Security.Claims;
using System.Text.Encodings.Web;
using MeshInterop.Identity.Tls;
using MeshInterop.Identity.X509;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MeshInterop.Identity.AspNetCore;

/// <summary>
/// Authenticates a request by the X.509-SVID its connection presented. The SVID was already validated and authorized
/// during the handshake (<see cref="Microsoft.AspNetCore.Hosting.SpiffeListenOptionsExtensions.UseSpiffeMtls"/>); this
/// handler reads that verdict from the connection and issues <c>spiffe_id</c> and <c>spiffe_trust_domain</c> claims.
/// </summary>
/// <param name="options">The scheme options.</param>
/// <param name="logger">The logger factory.</param>
/// <param name="encoder">The URL encoder.</param>
/// <param name="tls">The SPIFFE TLS configuration the listener uses.</param>
public sealed class SpiffeAuthenticationHandler(
    IOptionsMonitor<SpiffeAuthenticationOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SpiffeTls tls)
    : AuthenticationHandler<SpiffeAuthenticationOptions>(options, logger, encoder)
{
    /// <inheritdoc/>
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        X509SvidValidationResult? result = null;
        if (Context.Features.Get<ISslStreamFeature>()?.SslStream is { } stream)
        {
            tls.TryGetPeer(stream, out result);
        }
        else if (Context.Connection.ClientCertificate is { } certificate)
        {
            // Not a SpiffeTls connection (for example behind a TLS-terminating test host): validate from scratch.
            result = tls.Validator.Validate(certificate, null, TlsRole.Client);
            if (result.IsValid && !tls.Authorizer.Authorize(result.SpiffeId).IsAuthorized)
                result = null;
        }

        if (result is null)
            return Task.FromResult(AuthenticateResult.NoResult());
        if (!result.IsValid)
            return Task.FromResult(AuthenticateResult.Fail($"{result.Failure}: {result.Reason}"));

        // A connection can outlive the SVID it was opened with; its requests stop authenticating at NotAfter.
        if (tls.Validator.TimeProvider.GetUtcNow() >= result.ValidUntil)
            return Task.FromResult(AuthenticateResult.Fail($"{X509SvidFailure.Expired}: the peer's X.509-SVID '{result.SpiffeId}' expired at {result.ValidUntil:O}, after this connection was opened"));

        var id = result.SpiffeId.ToString();
        var identity = new ClaimsIdentity(
            [
                new Claim(SpiffeAuthenticationDefaults.SpiffeIdClaimType, id, ClaimValueTypes.String, ClaimsIssuer),
                new Claim(SpiffeAuthenticationDefaults.TrustDomainClaimType, result.SpiffeId.TrustDomain.Name, ClaimValueTypes.String, ClaimsIssuer),
                new Claim(ClaimTypes.NameIdentifier, id, ClaimValueTypes.String, ClaimsIssuer),
                new Claim(ClaimTypes.Name, id, ClaimValueTypes.String, ClaimsIssuer),
            ],
            Scheme.Name,
            ClaimTypes.Name,
            ClaimTypes.Role);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name)));
    }
}
