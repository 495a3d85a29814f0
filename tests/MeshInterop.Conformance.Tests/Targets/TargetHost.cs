using System.Net;
using MeshInterop.Identity.Authorization;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.Tls;
using MeshInterop.Identity.X509;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MeshInterop.Conformance.Tests.Targets;

/// <summary>A gRPC server under test on real Kestrel: HTTP/2 over SPIFFE mTLS on 127.0.0.1 with a free port.</summary>
internal sealed class TargetHost : IAsyncDisposable
{
    private TargetHost(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    /// <summary>The owner's TLS: its agent SVID, clients from the consumer trust domain only.</summary>
    public static SpiffeTls OwnerTls() => new(
        new InMemoryX509SvidSource(KitPki.Svid(KitPki.Owner, KitPki.OwnerAgent)),
        new X509SvidValidator(new InMemoryBundleSource(KitPki.Both)),
        SpiffeAuthorizer.MemberOf(KitPki.ConsumerAgent.TrustDomain));

    public static async Task<TargetHost> StartAsync(SpiffeTls tls, Action<IServiceCollection> services, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseSpiffeMtls(tls);
        }));
        builder.Services.AddGrpc();
        services(builder.Services);
        var app = builder.Build();
        map(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new TargetHost(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await App.StopAsync(bound.Token);
        await App.DisposeAsync();
    }
}
