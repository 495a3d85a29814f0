using System.Net;
using MeshInterop.Identity;
using MeshInterop.Identity.Authorization;
using MeshInterop.Identity.Tls;
using MeshInterop.Identity.X509;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MeshInterop.FunctionalTests.Protocol;

/// <summary>
/// Real Kestrel for the Hamlet tests: HTTP/2 only, TLS with SPIFFE client certificates required, on 127.0.0.1.
/// The owner side presents the owner agent's SVID and admits the consumer trust domain; the consumer side
/// presents the consumer agent's SVID and accepts only the owner agent.
/// </summary>
internal static class MtlsGrpcHost
{
    public static SpiffeTls OwnerTls(X509Svid? svid = null) => new(
        new InMemoryX509SvidSource(svid ?? HamletTestPki.Svid(HamletTestPki.Owner, HamletTestPki.OwnerAgent)),
        new X509SvidValidator(HamletTestPki.Bundles()),
        SpiffeAuthorizer.MemberOf(TrustDomain.Parse("consumer.example")));

    public static SpiffeTls ConsumerTls(X509Svid? svid = null) => new(
        new InMemoryX509SvidSource(svid ?? HamletTestPki.Svid(HamletTestPki.Consumer, HamletTestPki.ConsumerAgent)),
        new X509SvidValidator(HamletTestPki.Bundles()),
        SpiffeAuthorizer.Exact(HamletTestPki.OwnerAgent));

    /// <summary>Starts a gRPC server; <paramref name="map"/> maps its services.</summary>
    public static async Task<(WebApplication App, Uri Address)> StartAsync(SpiffeTls tls, Action<IServiceCollection> services, Action<WebApplication> map, int port = 0, Action<KestrelServerOptions>? kestrel = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(options =>
        {
            kestrel?.Invoke(options);
            options.Listen(IPAddress.Loopback, port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listen.UseSpiffeMtls(tls);
            });
        });
        builder.Services.AddGrpc();
        services(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return (app, new Uri(address));
    }
}
