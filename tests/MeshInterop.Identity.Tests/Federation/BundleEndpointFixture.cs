using System.Net;
using System.Security.Cryptography.X509Certificates;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.Federation;
using MeshInterop.Identity.Tests.AspNetCore;
using MeshInterop.Identity.X509;
using MeshInterop.Testing.Pki;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace MeshInterop.Identity.Tests.Federation;

/// <summary>A bundle endpoint server on loopback whose answers a test controls, plus the PKI both profiles need.</summary>
internal sealed class BundleEndpointServer : IAsyncDisposable
{
    public static readonly TrustDomain ExampleOrg = TrustDomain.Parse("example.org");
    public static readonly SpiffeId EndpointId = SpiffeId.Parse("spiffe://example.org/bundle-endpoint");

    private readonly LoopbackServer _server;

    private BundleEndpointServer(LoopbackServer server, InMemoryBundleSource served)
    {
        _server = server;
        Served = served;
    }

    /// <summary>Gets the bundles the server publishes (it serves example.org's).</summary>
    public InMemoryBundleSource Served { get; }

    /// <summary>Gets or sets a status code every request is answered with instead of the bundle.</summary>
    public int? FailWith { get; set; }

    /// <summary>Gets or sets a raw document served instead of the published bundle.</summary>
    public byte[]? RawDocument { get; set; }

    public int Requests => _requests;

    private int _requests;

    public Uri Url(string path = "/bundle") => new(_server.Address, path);

    /// <summary>Starts an https_spiffe endpoint presenting SVIDs from <paramref name="svids"/> (no client certificate is asked for).</summary>
    public static Task<BundleEndpointServer> StartSpiffeAsync(IX509SvidSource svids, BundleSet served) =>
        StartAsync(listen => listen.UseSpiffeServerTls(svids), served);

    /// <summary>Starts an https_web endpoint with an ordinary server certificate.</summary>
    public static Task<BundleEndpointServer> StartWebAsync(X509Certificate2 certificate, BundleSet served) =>
        StartAsync(listen => listen.UseHttps(certificate), served);

    private static async Task<BundleEndpointServer> StartAsync(Action<Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions> listen, BundleSet served)
    {
        var source = new InMemoryBundleSource(served);
        BundleEndpointServer? self = null;
        var server = await LoopbackServer.StartAsync(
            listen,
            builder => builder.Services.AddRouting(),
            app =>
            {
                app.Use(async (context, next) =>
                {
                    Interlocked.Increment(ref self!._requests);
                    if (self.FailWith is int status && context.Request.Path.StartsWithSegments("/bundle", StringComparison.Ordinal))
                    {
                        context.Response.StatusCode = status;
                        await context.Response.WriteAsync("<html>error page</html>", context.RequestAborted);
                        return;
                    }

                    if (self.RawDocument is { } raw && context.Request.Path.StartsWithSegments("/bundle", StringComparison.Ordinal))
                    {
                        context.Response.ContentType = "application/json";
                        await context.Response.Body.WriteAsync(raw, context.RequestAborted);
                        return;
                    }

                    await next(context);
                });
                app.MapSpiffeBundleEndpoint("/bundle", source, ExampleOrg, TimeSpan.FromSeconds(60));
                app.MapGet("/redirect", (HttpContext context) => Results.Redirect("/bundle"));
                app.MapGet("/redirect-permanent", (HttpContext context) => Results.Redirect("/bundle", permanent: true));
                app.MapGet("/redirect-loop", (HttpContext context) => Results.Redirect("/redirect-loop"));
                app.MapGet("/redirect-http", (HttpContext context) => Results.Redirect($"http://{context.Request.Host}/bundle"));
                app.MapGet("/huge", async (HttpContext context) =>
                {
                    // No Content-Length: the client must stop reading at its limit by itself.
                    var chunk = new byte[64 * 1024];
                    chunk.AsSpan().Fill((byte)' ');
                    for (var i = 0; i < 20; i++)
                        await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                });
                app.MapGet("/huge-declared", (HttpContext context) => Results.Bytes(new byte[2 * 1024 * 1024], "application/json"));
            },
            Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1AndHttp2);
        self = new BundleEndpointServer(server, source);
        return self;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

/// <summary>The certificates the bundle endpoint tests share.</summary>
internal static class FederationPki
{
    public static TestCertificateAuthority ExampleRoot { get; } = TestCertificateAuthority.CreateRoot("example.org");

    public static TestCertificateAuthority RogueExampleRoot { get; } = TestCertificateAuthority.CreateRoot("example.org");

    public static TestCertificateAuthority WebCa { get; } = TestCertificateAuthority.CreateRoot("web-pki.test", new TestCaOptions { UriSans = [] });

    public static X509Svid EndpointSvid(TestCertificateAuthority? issuer = null, string path = "/bundle-endpoint")
    {
        var minted = (issuer ?? ExampleRoot).IssueSvid(path);
        return X509Svid.Create(minted.Leaf, minted.Intermediates);
    }

    public static X509Certificate2 WebCertificate(bool matchingAddress = true) => WebCa.Issue(new TestLeafOptions
    {
        Subject = "CN=bundles.example",
        DnsNames = matchingAddress ? ["localhost"] : ["bundles.example"],
        IpAddresses = matchingAddress ? [IPAddress.Loopback] : [],
        ExtendedKeyUsages = [TestOids.ServerAuth],
    }).Leaf;

    public static SpiffeBundle BundleOf(TestCertificateAuthority root, ulong? sequence = null) => BundleOf([root], sequence);

    public static SpiffeBundle BundleOf(IEnumerable<TestCertificateAuthority> roots, ulong? sequence = null) => new(
        new X509Bundle(BundleEndpointServer.ExampleOrg, roots.Select(r => r.Certificate)),
        new JwtBundle(BundleEndpointServer.ExampleOrg, []),
        sequence,
        TimeSpan.FromSeconds(60));

    public static BundleEndpointOptions SpiffeOptions(Uri url, SpiffeBundle? bootstrap = null, SpiffeId? endpointId = null) => new()
    {
        TrustDomain = BundleEndpointServer.ExampleOrg,
        Url = url,
        Profile = BundleEndpointProfile.HttpsSpiffe,
        EndpointSpiffeId = endpointId ?? BundleEndpointServer.EndpointId,
        BootstrapBundle = bootstrap ?? BundleOf(ExampleRoot),
    };

    public static BundleEndpointOptions WebOptions(Uri url) => new()
    {
        TrustDomain = BundleEndpointServer.ExampleOrg,
        Url = url,
        Profile = BundleEndpointProfile.HttpsWeb,
        WebTrustAnchors = [WebCa.Certificate],
    };
}
