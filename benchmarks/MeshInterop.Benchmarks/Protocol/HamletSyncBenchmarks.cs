using System.Net;
using BenchmarkDotNet.Attributes;
using Grpc.Core;
using Grpc.Net.Client;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Export;
using MeshInterop.Catalog.Validation;
using MeshInterop.Identity;
using MeshInterop.Identity.Authorization;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.Tls;
using MeshInterop.Identity.X509;
using MeshInterop.Protocol.Consumer;
using MeshInterop.Protocol.Owner;
using MeshInterop.Testing.Pki;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MeshInterop.Benchmarks.Protocol;

/// <summary>
/// Hamlet over real Kestrel, HTTP/2 and SPIFFE mTLS on loopback: the initial sync of 10,000 services into a
/// consumer in spec lockstep (window 1) and with the window extension (64), and the time one change takes
/// from the owner's store to the consumer's import handler.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5, invocationCount: 1)]
public class HamletSyncBenchmarks
{
    private const int Services = 10_000;
    private const int ChangesPerInvocation = 100;

    private TestCertificateAuthority _ownerCa = null!;
    private TestCertificateAuthority _consumerCa = null!;
    private InMemoryBundleSource _bundles = null!;
    private WebApplication _server = null!;
    private CatalogStore _store = null!;
    private Uri _address = null!;
    private int _revision;
    private CountingHandler? _live;
    private HamletConsumer? _liveConsumer;
    private GrpcChannel? _liveChannel;

    [Params(1, 64)]
    public int Window { get; set; }

    [GlobalSetup]
    public async Task StartOwnerAsync()
    {
        _ownerCa = TestCertificateAuthority.CreateRoot("owner.example");
        _consumerCa = TestCertificateAuthority.CreateRoot("consumer.example");
        _bundles = new InMemoryBundleSource(BundleSet.Empty
            .With(new X509Bundle(TrustDomain.Parse("owner.example"), [_ownerCa.Certificate]))
            .With(new X509Bundle(TrustDomain.Parse("consumer.example"), [_consumerCa.Certificate])));
        _store = new CatalogStore();
        _store.Local.Publish(Enumerable.Range(0, Services).Select(i => Service("svc" + i, 0)));

        var tls = new SpiffeTls(new InMemoryX509SvidSource(X509Svid.Create(_ownerCa.IssueSvid("/agent").Leaf)), new X509SvidValidator(_bundles), SpiffeAuthorizer.MemberOf(TrustDomain.Parse("consumer.example")));
        var policy = new ExportPolicyOptions();
        var all = new ExportRule();
        all.Names.Add("*");
        policy.Allow.Add(all);
        var options = new HamletOwnerOptions { MaxStreamsPerPeer = 1024 };
        options.V1Alpha1EnvelopeResources.Add(HamletResourceVersion.V1Alpha2);
        var owner = new HamletOwner(_store.Local, new AllowAll(ExportFilter.Create("consumer", policy)), options, TimeProvider.System);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.UseSpiffeMtls(tls);
        }));
        builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = 4 * 1024 * 1024);
        builder.Services.AddSingleton(owner);
        _server = builder.Build();
        _server.MapGrpcService<HamletOwnerV1Alpha1Service>();
        await _server.StartAsync();
        _address = new Uri(_server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    [GlobalCleanup]
    public async Task StopOwnerAsync()
    {
        await _server.StopAsync();
        await _server.DisposeAsync();
        _ownerCa.Dispose();
        _consumerCa.Dispose();
    }

    [Benchmark]
    public async Task<int> InitialSync()
    {
        var handler = new CountingHandler(Services);
        await using var consumer = Connect(handler, out var channel);
        await consumer.StartAsync(CancellationToken.None);
        await handler.Reached.Task.WaitAsync(TimeSpan.FromMinutes(5));
        channel.Dispose();
        return handler.Count;
    }

    [IterationSetup(Target = nameof(PropagateOneChange))]
    public void ConnectSyncedConsumer()
    {
        // BenchmarkDotNet's iteration setup is synchronous; blocking here is outside the measurement.
        _live = new CountingHandler(Services);
        _liveConsumer = Connect(_live, out _liveChannel);
        _liveConsumer.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        _live.Reached.Task.WaitAsync(TimeSpan.FromMinutes(5)).GetAwaiter().GetResult();
    }

    [IterationCleanup(Target = nameof(PropagateOneChange))]
    public void DisconnectConsumer()
    {
        _liveConsumer!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _liveChannel!.Dispose();
    }

    /// <summary>One change from the owner's store to the consumer's handler, on a stream past its snapshot.</summary>
    [Benchmark(OperationsPerInvoke = ChangesPerInvocation)]
    public async Task PropagateOneChange()
    {
        for (var i = 0; i < ChangesPerInvocation; i++)
        {
            var arrived = _live!.ExpectChange();

            // Every change must differ from the store's content, across iterations too, or no event is sent.
            _store.Local.Update([Service("svc" + i, ++_revision)], []);
            await arrived.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    internal CatalogStore Store => _store;

    internal HamletConsumer Connect(IHamletImportHandler handler, out GrpcChannel channel)
    {
        var tls = new SpiffeTls(new InMemoryX509SvidSource(X509Svid.Create(_consumerCa.IssueSvid("/agent").Leaf)), new X509SvidValidator(_bundles), SpiffeAuthorizer.MemberOf(TrustDomain.Parse("owner.example")));
        channel = GrpcChannel.ForAddress(_address, new GrpcChannelOptions { HttpHandler = tls.CreateHttpHandler(HamletConsumerChannel.ConfigureKeepAlive) });
        return new HamletConsumer(
            new HamletConsumerOptions { PeerName = "owner", Window = Window, ResourceVersion = HamletResourceVersion.V1Alpha2 },
            channel.CreateCallInvoker(),
            handler,
            TimeProvider.System);
    }

    internal static CatalogEntry Service(string name, int revision) => new()
    {
        Key = new ServiceKey(name),
        Name = name,
        Fqdn = name + ".owner.example",
        Labels = StringMap.Create([new("app", name), new("revision", revision.ToString(System.Globalization.CultureInfo.InvariantCulture))]),
        SubjectAlternativeNames = ["spiffe://owner.example/ns/default/sa/" + name],
        Endpoints = [new CatalogEndpoint { Address = "192.0.2.10", Port = 15443, Labels = ["a"] }, new CatalogEndpoint { Address = "192.0.2.11", Port = 15443, Labels = ["b"] }],
        Instances = [new CatalogInstance { Id = name + "-1", Protocol = "HTTP", EndpointSelector = ["a", "b"] }],
    };

    private sealed class AllowAll(ExportFilter exports) : IHamletPeerAuthorizer
    {
        public HamletPeerAuthorization Authorize(ServerCallContext context) => HamletPeerAuthorization.Allow("consumer", exports);
    }

    /// <summary>Counts upserts; completes when the snapshot has arrived, and signals each later change.</summary>
    internal sealed class CountingHandler(int snapshot) : IHamletImportHandler
    {
        private TaskCompletionSource _change = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Count { get; private set; }

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task ExpectChange()
        {
            _change = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _change.Task;
        }

        public ValueTask BeginSubscriptionAsync(string peer, long? announcedSnapshotCount, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask UpsertAsync(string peer, CatalogEntry entry, CancellationToken cancellationToken)
        {
            if (++Count == snapshot)
            {
                Reached.TrySetResult();
            }
            else if (Count > snapshot)
            {
                _change.TrySetResult();
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask DeleteAsync(string peer, ServiceKey key, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask MarkAssertedAsync(string peer, ServiceKey key, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisconnectedAsync(string peer, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask PurgeAsync(string peer, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
