using Grpc.Net.Client;
using MeshInterop.Catalog.Import;
using MeshInterop.Catalog.Naming;
using MeshInterop.Catalog.Resync;
using MeshInterop.Conformance.Hooks;
using MeshInterop.Identity.Authorization;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.Tls;
using MeshInterop.Identity.X509;
using MeshInterop.Protocol;
using MeshInterop.Protocol.Consumer;

namespace MeshInterop.Conformance.Tests.Targets;

/// <summary>
/// MeshInterop's own consumer engine as a conformance target: each start builds a fresh <see cref="HamletConsumer"/> over a
/// SPIFFE mTLS channel to the kit's owner, importing through the catalog's import sessions; the list is the import view.
/// </summary>
internal sealed class ConsumerTarget(HamletEnvelope envelope, TimeSpan gracePeriod) : IConformanceHook, IAsyncDisposable
{
    private const string Peer = "kit-owner";
    private Running? _running;
    private ImportView _view = NewView();

    public Task StartAsync(Uri ownerAddress, CancellationToken cancellationToken)
    {
        var view = NewView();
        var sessions = new ImportSessions(view, new ImportSessionOptions { SnapshotGracePeriod = gracePeriod }, TimeProvider.System, _ => { });
        var tls = new SpiffeTls(
            new InMemoryX509SvidSource(KitPki.Svid(KitPki.Consumer, KitPki.ConsumerAgent)),
            new X509SvidValidator(new InMemoryBundleSource(KitPki.Both)),
            SpiffeAuthorizer.Exact(KitPki.OwnerAgent));
        var channel = GrpcChannel.ForAddress(ownerAddress, new GrpcChannelOptions { HttpHandler = tls.CreateHttpHandler(HamletConsumerChannel.ConfigureKeepAlive) });
        var consumer = new HamletConsumer(
            new HamletConsumerOptions { PeerName = Peer, Envelope = envelope, Window = 4 },
            channel.CreateCallInvoker(),
            new CatalogImportHandler(sessions),
            TimeProvider.System);
        _view = view;
        _running = new Running(consumer, sessions, channel);
        return consumer.StartAsync(cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, null) is { } running)
        {
            await running.Consumer.StopAsync(purge: true, cancellationToken);
            running.Sessions.Dispose();
            running.Channel.Dispose();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken)
    {
        var imports = new List<string>();
        foreach (var key in _view.GetPeerKeys(Peer))
        {
            if (_view.TryGetImport(Peer, key, out var entry, out _))
            {
                imports.Add(ServiceJson.ToJson(entry));
            }
        }

        return Task.FromResult<IReadOnlyList<string>>(imports);
    }

    public Task MutateAsync(ConformanceMutation mutation, CancellationToken cancellationToken) => throw new NotSupportedException("A consumer target exports nothing to the kit.");

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    private static ImportView NewView() => new(ImportNamingPolicy.Default, ImportCollisionPolicy.EarliestWins, TimeProvider.System);

    private sealed record Running(HamletConsumer Consumer, ImportSessions Sessions, GrpcChannel Channel);
}
