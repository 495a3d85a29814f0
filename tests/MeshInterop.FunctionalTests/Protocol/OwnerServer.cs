using Grpc.Core;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Export;
using MeshInterop.Identity;
using MeshInterop.Identity.Tls;
using MeshInterop.Identity.X509;
using MeshInterop.Protocol.Owner;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MeshInterop.FunctionalTests.Protocol;

/// <summary>
/// A Hamlet owner on real Kestrel: HTTP/2 over TLS on 127.0.0.1 with SPIFFE client certificates required,
/// both envelopes mapped, the catalog of <see cref="Store"/> exported to the consumer's agent identity.
/// </summary>
internal sealed class OwnerServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly AgentAuthorizer _authorizer;

    private OwnerServer(WebApplication app, HamletOwner owner, AgentAuthorizer authorizer, CatalogStore store, Uri address)
    {
        _app = app;
        _authorizer = authorizer;
        Owner = owner;
        Store = store;
        Address = address;
    }

    public HamletOwner Owner { get; }

    public CatalogStore Store { get; }

    public Uri Address { get; }

    /// <summary>Gets how many streams reached authorisation, that is, got past the TLS handshake.</summary>
    public int StreamsAuthorized => _authorizer.Calls;

    public static async Task<OwnerServer> StartAsync(
        HamletOwnerOptions? options = null,
        CatalogStore? store = null,
        TimeProvider? time = null,
        ExportPolicyOptions? exports = null,
        int port = 0,
        X509Svid? svid = null,
        System.Diagnostics.Metrics.IMeterFactory? meterFactory = null,
        Func<ServerCallContext, HamletPeerAuthorization?>? authorize = null,
        Action<KestrelServerOptions>? kestrel = null,
        MeshInterop.Protocol.Consumer.IHamletImportHandler? symmetricImports = null)
    {
        store ??= new CatalogStore();
        options ??= new HamletOwnerOptions();
        var tls = MtlsGrpcHost.OwnerTls(svid);
        var exportFilter = exports is null ? ExportEverything("consumer") : ExportFilter.Create("consumer", exports);
        var authorizer = new AgentAuthorizer(tls, HamletTestPki.ConsumerAgent, exportFilter, authorize);
        var owner = new HamletOwner(store.Local, authorizer, options, time ?? TimeProvider.System, meterFactory: meterFactory) { SymmetricImports = symmetricImports };
        var (app, address) = await MtlsGrpcHost.StartAsync(
            tls,
            services => services.AddSingleton(owner),
            app =>
            {
                app.MapGrpcService<HamletOwnerV1Alpha1Service>();
                app.MapGrpcService<HamletOwnerV1Alpha2Service>();
            },
            port,
            kestrel);
        return new OwnerServer(app, owner, authorizer, store, address);
    }

    /// <summary>Options for an owner that also serves v1alpha2 resources on the v1alpha1 envelope (combination B).</summary>
    public static HamletOwnerOptions ServingV1Alpha2OnBothEnvelopes()
    {
        var options = new HamletOwnerOptions();
        options.V1Alpha1EnvelopeResources.Add(MeshInterop.Catalog.Validation.HamletResourceVersion.V1Alpha2);
        return options;
    }

    public static ExportFilter ExportEverything(string peer)
    {
        var policy = new ExportPolicyOptions();
        var all = new ExportRule();
        all.Names.Add("*");
        policy.Allow.Add(all);
        return ExportFilter.Create(peer, policy);
    }

    /// <summary>Stops the server as a process stop would: streams end with <c>Unavailable</c>.</summary>
    public async Task StopAsync()
    {
        Owner.BeginShutdown();
        await _app.StopAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        Owner.BeginShutdown();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        Owner.Dispose();
    }

    /// <summary>Maps the verified client SVID of a stream to the one configured peer, unless a test decides first.</summary>
    private sealed class AgentAuthorizer(SpiffeTls tls, SpiffeId peerAgent, ExportFilter exports, Func<ServerCallContext, HamletPeerAuthorization?>? authorize) : IHamletPeerAuthorizer
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public HamletPeerAuthorization Authorize(ServerCallContext context)
        {
            Interlocked.Increment(ref _calls);
            if (authorize?.Invoke(context) is { } decided)
            {
                return decided;
            }

            var stream = context.GetHttpContext().Features.Get<ISslStreamFeature>()?.SslStream;
            if (stream is null || !tls.TryGetPeer(stream, out var peer) || peer is null || !peer.IsValid)
            {
                return HamletPeerAuthorization.Unauthenticated("The connection carries no verified SPIFFE client certificate.");
            }

            return peer.SpiffeId == peerAgent
                ? HamletPeerAuthorization.Allow("consumer", exports)
                : HamletPeerAuthorization.PermissionDenied($"'{peer.SpiffeId}' is not the agent of a configured peer.");
        }
    }
}
