using System.Net;
using System.Text.Json;
using MeshInterop.Identity;
using MeshInterop.Identity.Authorization;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.Tls;
using MeshInterop.Identity.X509;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;

namespace MeshInterop.Samples.FederationDemo;

/// <summary>
/// The data plane of the service mesh in miniature: a plain HTTP service (an httpbin of our own), and an ingress in
/// front of it that terminates SPIFFE mTLS with the service's identity, verifies the caller's X.509-SVID against
/// the bundle of the caller's trust domain, lets only the allowed SPIFFE IDs through, and forwards the request
/// with the verified caller identity.
/// </summary>
internal sealed class Ingress : IAsyncDisposable
{
    public const string CallerHeader = "X-Forwarded-Client-Spiffe-Id";

    private readonly HttpClient _forwarder = new();
    private WebApplication? _backend;
    private WebApplication? _ingress;

    /// <summary>Starts the backend on a free loopback port and the ingress on <paramref name="port"/>.</summary>
    public async Task StartAsync(int port, X509Svid serviceSvid, IBundleSource bundles, IReadOnlyCollection<TrustDomain> trustedDomains, IReadOnlySet<SpiffeId> allowedCallers, CancellationToken cancellationToken)
    {
        _backend = CreateBuilder().Build();
        _backend.Urls.Add("http://127.0.0.1:0");
        _backend.MapGet("/headers", (HttpRequest request) => Results.Json(new
        {
            service = "httpbin",
            headers = request.Headers.Where(h => h.Key.StartsWith("X-", StringComparison.Ordinal)).ToDictionary(h => h.Key, h => h.Value.ToString()),
        }));
        await _backend.StartAsync(cancellationToken);
        var backend = new Uri(_backend.Urls.Single());

        // TLS admits SVIDs of the federated trust domains, each verified against its own bundle; which workload
        // may call the service is decided per request, so a refused caller gets an answer that says why.
        var tls = new SpiffeTls(new InMemoryX509SvidSource(serviceSvid), new X509SvidValidator(bundles), SpiffeAuthorizer.MemberOfAny(trustedDomains));
        var builder = CreateBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseSpiffeMtls(tls);
        }));
        _ingress = builder.Build();
        _forwarder.BaseAddress = backend;
        _ingress.Run(async context =>
        {
            var stream = context.Features.Get<ISslStreamFeature>()?.SslStream;
            if (stream is null || !tls.TryGetPeer(stream, out var peer) || !peer.IsValid)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                await context.Response.WriteAsync("no verified SPIFFE client certificate\n", context.RequestAborted);
                return;
            }

            if (!allowedCallers.Contains(peer.SpiffeId))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await context.Response.WriteAsync($"RBAC: access denied: '{peer.SpiffeId}' may not call this service\n", context.RequestAborted);
                return;
            }

            using var forwarded = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString);
            forwarded.Headers.Add(CallerHeader, peer.SpiffeId.ToString());
            using var response = await _forwarder.SendAsync(forwarded, context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
            context.Response.Headers[CallerHeader] = peer.SpiffeId.ToString();
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        });
        await _ingress.StartAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in new[] { _ingress, _backend })
        {
            if (app is not null)
            {
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
            }
        }

        _forwarder.Dispose();
    }

    /// <summary>Formats the backend's JSON answer on one line.</summary>
    public static string Compact(string json)
    {
        using var document = JsonDocument.Parse(json);
        return JsonSerializer.Serialize(document.RootElement);
    }

    private static WebApplicationBuilder CreateBuilder()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        return builder;
    }
}
