using Grpc.Net.Client;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Import;
using MeshInterop.Catalog.Naming;
using MeshInterop.Catalog.Resync;
using MeshInterop.Catalog.Validation;
using MeshInterop.Identity.X509;
using MeshInterop.Protocol.Consumer;

namespace MeshInterop.FunctionalTests.Protocol;

/// <summary>
/// A consumer mesh: a <see cref="HamletConsumer"/> over a real GrpcChannel with SPIFFE mTLS, importing into
/// the catalog's import sessions and view. Tests wait for the imported state with <see cref="WaitUntilAsync"/>,
/// which re-checks its condition whenever the view or the consumer's status changes.
/// </summary>
internal sealed class ConsumerSide : IAsyncDisposable
{
    public const string PeerName = "owner";

    private readonly Lock _gate = new();
    private readonly GrpcChannel _channel;
    private readonly ChangeSignal _changed = new();
    private int _viewChanges;

    public ConsumerSide(Uri owner, HamletConsumerOptions? options = null, TimeProvider? time = null, ImportSessionOptions? sessions = null, X509Svid? svid = null, bool scripted = false, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null, Action<SocketsHttpHandler>? configureHandler = null, Microsoft.Extensions.Logging.ILogger<HamletConsumer>? logger = null, HamletPublication? publication = null)
    {
        time ??= TimeProvider.System;
        View = new ImportView(ImportNamingPolicy.Default, ImportCollisionPolicy.EarliestWins, time);
        Sessions = new ImportSessions(View, sessions ?? new ImportSessionOptions(), time, _ =>
        {
            Interlocked.Increment(ref _viewChanges);
            Notify();
        });
        var catalogHandler = new CatalogImportHandler(Sessions);
        Scripted = new ScriptedHandler(() => catalogHandler);
        Handler = scripted ? Scripted : catalogHandler;
        _channel = GrpcChannel.ForAddress(owner, new GrpcChannelOptions { HttpHandler = MtlsGrpcHost.ConsumerTls(svid).CreateHttpHandler(configureHandler ?? HamletConsumerChannel.ConfigureKeepAlive) });
        options ??= new HamletConsumerOptions();
        options.PeerName = PeerName;

        // Unless a test says otherwise, subscribe to v1alpha2 resources, which carry everything the catalog holds.
        options.ResourceVersion ??= HamletResourceVersion.V1Alpha2;
        Consumer = new HamletConsumer(options, _channel.CreateCallInvoker(), Handler, time, logger, meterFactory) { Publication = publication };
        Consumer.StatusChanged += (_, _) => Notify();
    }

    public ImportView View { get; }

    public ImportSessions Sessions { get; }

    /// <summary>Gets how many non-empty changes the import view has published.</summary>
    public int ViewChanges => Volatile.Read(ref _viewChanges);

    public IHamletImportHandler Handler { get; }

    /// <summary>Gets the gate and failure script, in effect when the side was created with <c>scripted: true</c>.</summary>
    public ScriptedHandler Scripted { get; }

    public HamletConsumer Consumer { get; }

    /// <summary>Gets what the consumer holds from the owner, keyed by the owner's resource key.</summary>
    public IReadOnlyDictionary<ServiceKey, CatalogEntry> Imports
    {
        get
        {
            lock (_gate)
            {
                var imports = new Dictionary<ServiceKey, CatalogEntry>();
                foreach (var key in View.GetPeerKeys(PeerName))
                {
                    if (View.TryGetImport(PeerName, key, out var entry, out _))
                    {
                        imports[key] = entry;
                    }
                }

                return imports;
            }
        }
    }

    public Task StartAsync() => Consumer.StartAsync(TestContext.Current.CancellationToken);

    public async Task WaitUntilAsync(Func<ConsumerSide, bool> condition)
    {
        // A generous bound so a broken build fails with the consumer's status instead of hanging the run.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(60));
        while (true)
        {
            var changed = _changed.Next;
            if (condition(this))
            {
                return;
            }

            try
            {
                await changed.WaitAsync(bound.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                Assert.Fail($"The consumer did not reach the expected state within 60 s. Status: {Consumer.Status}; imports: {Imports.Count}.");
            }
        }
    }

    /// <summary>Waits until the imports equal, entry for entry, what the owner exports.</summary>
    public Task WaitForCatalogAsync(CatalogSnapshot exported) => WaitUntilAsync(side => side.HasCatalog(exported));

    public bool HasCatalog(IReadOnlyCollection<CatalogEntry> exported)
    {
        var imports = Imports;
        return imports.Count == exported.Count
            && exported.All(e => imports.TryGetValue(e.Key, out var imported) && imported == e with { Origin = CatalogOrigin.FromPeer(PeerName, e.Key) });
    }

    public async ValueTask DisposeAsync()
    {
        await Consumer.DisposeAsync();
        Sessions.Dispose();
        _channel.Dispose();
    }

    /// <summary>Makes waiters re-check their condition; for events the consumer side does not see itself.</summary>
    public void Notify() => _changed.Notify();
}
