using Grpc.Core;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Export;
using MeshInterop.Conformance.Hooks;
using MeshInterop.Identity.Tls;
using MeshInterop.Protocol.Owner;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.DependencyInjection;

namespace MeshInterop.Conformance.Tests.Targets;

/// <summary>
/// MeshInterop's own owner engine as a conformance target: <see cref="HamletOwner"/> with both envelopes on Kestrel over
/// SPIFFE mTLS, exporting its catalog to the consumer agent, driven by the kit through this in-process hook.
/// </summary>
internal sealed class OwnerTarget : IConformanceHook, IAsyncDisposable
{
    private readonly TargetHost _host;

    private OwnerTarget(TargetHost host, HamletOwner owner, CatalogStore store)
    {
        _host = host;
        Owner = owner;
        Store = store;
    }

    public HamletOwner Owner { get; }

    public CatalogStore Store { get; }

    public Uri Address => _host.Address;

    public static async Task<OwnerTarget> StartAsync(HamletOwnerOptions options)
    {
        var store = new CatalogStore();
        var tls = TargetHost.OwnerTls();
        var owner = new HamletOwner(store.Local, new AgentAuthorizer(tls), options, TimeProvider.System);
        var host = await TargetHost.StartAsync(
            tls,
            services => services.AddSingleton(owner),
            app =>
            {
                app.MapGrpcService<HamletOwnerV1Alpha1Service>();
                app.MapGrpcService<HamletOwnerV1Alpha2Service>();
            });
        return new OwnerTarget(host, owner, store);
    }

    public Task MutateAsync(ConformanceMutation mutation, CancellationToken cancellationToken)
    {
        var entry = ServiceJson.ToEntry(mutation.Json);
        if (mutation.Kind == ConformanceMutationKind.Delete)
        {
            Store.Local.Update([], [entry.Key]);
        }
        else
        {
            Store.Local.Update([entry], []);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Owner.BeginShutdown();
        return Task.CompletedTask;
    }

    public Task StartAsync(Uri ownerAddress, CancellationToken cancellationToken) => throw new NotSupportedException("An owner target is not started by the kit.");

    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken) => throw new NotSupportedException("An owner target has no imports.");

    public async ValueTask DisposeAsync()
    {
        Owner.BeginShutdown();
        await _host.DisposeAsync();
        Owner.Dispose();
    }

    /// <summary>Lets the consumer agent subscribe to everything; anyone else is refused.</summary>
    private sealed class AgentAuthorizer(SpiffeTls tls) : IHamletPeerAuthorizer
    {
        private static readonly ExportFilter Everything = ExportFilter.Create("consumer", AllowAll());

        public HamletPeerAuthorization Authorize(ServerCallContext context)
        {
            var stream = context.GetHttpContext().Features.Get<ISslStreamFeature>()?.SslStream;
            if (stream is null || !tls.TryGetPeer(stream, out var peer) || !peer.IsValid)
            {
                return HamletPeerAuthorization.Unauthenticated("No verified SPIFFE client certificate.");
            }

            return peer.SpiffeId == KitPki.ConsumerAgent
                ? HamletPeerAuthorization.Allow("consumer", Everything)
                : HamletPeerAuthorization.PermissionDenied($"'{peer.SpiffeId}' is not a configured peer.");
        }

        private static ExportPolicyOptions AllowAll()
        {
            var policy = new ExportPolicyOptions();
            var all = new ExportRule();
            all.Names.Add("*");
            policy.Allow.Add(all);
            return policy;
        }
    }
}
