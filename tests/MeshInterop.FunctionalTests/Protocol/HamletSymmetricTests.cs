using System.Globalization;
using Grpc.Core;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Import;
using MeshInterop.Catalog.Naming;
using MeshInterop.Catalog.Resync;
using MeshInterop.Protocol;
using MeshInterop.Protocol.Consumer;
using MeshInterop.Protocol.Mapping;
using MeshInterop.Protocol.Owner;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.FunctionalTests.Protocol;

/// <summary>Symmetric v1alpha2 streams (opt-in): both peers publish and consume on one stream, over real mTLS.</summary>
public sealed class HamletSymmetricTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task version_v2_frames_carry_id_and_context()
    {
        // The owner engine: its subscription, UPSERT and DELETE frames carry resource_id and the stream's context, and
        // its answers to what the peer publishes reference the peer's nonces.
        using var ownerImports = new ImportTarget("consumer");
        await using var owner = await OwnerServer.StartAsync(symmetricImports: ownerImports.Handler);
        owner.Store.Local.Publish([SampleServices.Service("web")]);
        using var client = new RawHamletClient(owner.Address);
        using var call = await client.SubscribeV2Async(context: "ctx-1");

        var subscription = await RawHamletClient.NextAsync(call.ResponseStream);
        Assert.Equal((RawHamletClient.V2Url, "ctx-1", null, string.Empty), (subscription.Request.ResourceUrl, subscription.Request.Context, subscription.Request.Status, subscription.Request.ResponseNonce));
        var upsert = (await RawHamletClient.NextAsync(call.ResponseStream)).Response;
        Assert.Equal((V2.StreamResponse.Types.Operation.Upsert, "web", "ctx-1"), (upsert.Operation, upsert.ResourceId, upsert.Context));
        await call.RequestStream.WriteAsync(RawHamletClient.Ack(upsert, "ctx-1"), Token);
        owner.Store.Local.Update([], [new ServiceKey("web")]);
        var delete = (await RawHamletClient.NextAsync(call.ResponseStream)).Response;
        Assert.Equal((V2.StreamResponse.Types.Operation.Delete, "web", "ctx-1"), (delete.Operation, delete.ResourceId, delete.Context));
        await call.RequestStream.WriteAsync(RawHamletClient.Ack(delete, "ctx-1"), Token);

        await call.RequestStream.WriteAsync(Published("c-1", "pub", "ctx-1"), Token);
        var answer = (await RawHamletClient.NextAsync(call.ResponseStream)).Request;
        Assert.Equal(("c-1", 0, "ctx-1"), (answer.ResponseNonce, answer.Status.Code, answer.Context));
        Assert.Equal(["pub"], ownerImports.Imports.Keys.Select(k => k.Name));

        // The consumer engine: once the owner subscribes, it publishes with resource_id and its context, and its
        // ACKs reference the owner's nonces.
        await using var scripted = await ScriptedOwner.StartAsync();
        var mine = new CatalogStore();
        mine.Local.Publish([SampleServices.Service("mine")]);
        await using var consumer = new ConsumerSide(scripted.Address, new HamletConsumerOptions { Envelope = HamletEnvelope.V1Alpha2, Context = "ctx-2" }, publication: new HamletPublication(mine.Local, OwnerServer.ExportEverything("owner")));
        await consumer.StartAsync();
        var stream = await scripted.NextV2CallAsync();
        Assert.Equal("ctx-2", (await stream.ReadAsync()).Request.Context);
        await stream.SendAsync(new V2.BidirectionalStream { Request = new V2.StreamRequest { ResourceUrl = RawHamletClient.V2Url, Context = "ctx-2" } });
        await stream.SendAsync(Published("o-1", "theirs", "ctx-2"));

        V2.StreamRequest? ack = null;
        V2.StreamResponse? published = null;
        while (ack is null || published is null)
        {
            var frame = await stream.ReadAsync();
            ack ??= frame.Request;
            published ??= frame.Response;
        }

        Assert.Equal(("o-1", 0, "ctx-2"), (ack.ResponseNonce, ack.Status.Code, ack.Context));
        Assert.Equal((V2.StreamResponse.Types.Operation.Upsert, "mine", "ctx-2"), (published.Operation, published.ResourceId, published.Context));
        Assert.False(string.IsNullOrEmpty(published.Nonce));
        await stream.SendAsync(new V2.BidirectionalStream { Request = new V2.StreamRequest { ResourceUrl = RawHamletClient.V2Url, ResponseNonce = published.Nonce, Status = new Google.Rpc.Status(), Context = "ctx-2" } });
        mine.Local.Update([], [new ServiceKey("mine")]);
        var deleted = (await stream.ReadAsync()).Response;
        Assert.Equal((V2.StreamResponse.Types.Operation.Delete, "mine", "ctx-2"), (deleted.Operation, deleted.ResourceId, deleted.Context));
        Assert.NotEqual(published.Nonce, deleted.Nonce);
    }

    [Fact]
    public async Task version_v2_context_token_checked()
    {
        var options = new HamletOwnerOptions { ContextToken = "s3cret-scope" };
        await using var owner = await OwnerServer.StartAsync(options);
        owner.Store.Local.Publish(SampleServices.Many(2));
        using var client = new RawHamletClient(owner.Address);

        var wrong = await RawHamletClient.EndAsync(await client.SubscribeV2Async(context: "s3cret-scopf"));
        Assert.Equal(StatusCode.PermissionDenied, wrong.StatusCode);

        await using var refused = new ConsumerSide(owner.Address, new HamletConsumerOptions { Envelope = HamletEnvelope.V1Alpha2, Context = "guess" });
        await refused.StartAsync();
        await refused.WaitUntilAsync(side => side.Consumer.Status.State == HamletConsumerState.Failed);
        Assert.StartsWith("PermissionDenied", refused.Consumer.Status.LastError, StringComparison.Ordinal);

        await using var admitted = new ConsumerSide(owner.Address, new HamletConsumerOptions { Envelope = HamletEnvelope.V1Alpha2, Context = "s3cret-scope" });
        await admitted.StartAsync();
        await admitted.WaitForCatalogAsync(owner.Store.Local.Current);

        // The token is checked in addition to mTLS, never instead: without a client certificate, the right token is no use.
        var authorizedBefore = owner.StreamsAuthorized;
        var handler = new SocketsHttpHandler();
        MtlsGrpcHost.ConsumerTls().Configure(handler);
        handler.SslOptions.ClientCertificateContext = null;
        using var anonymous = Grpc.Net.Client.GrpcChannel.ForAddress(owner.Address, new Grpc.Net.Client.GrpcChannelOptions { HttpHandler = handler });
        var status = await TokenOnlyAsync(anonymous);
        Assert.NotEqual(StatusCode.OK, status.StatusCode);
        Assert.Equal(authorizedBefore, owner.StreamsAuthorized);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    public async Task Symmetric_BothPeersPublishAndChurn_EachSideConvergesToTheOther(int window)
    {
        using var ownerImports = new ImportTarget("consumer");
        await using var owner = await OwnerServer.StartAsync(symmetricImports: ownerImports.Handler);
        owner.Store.Local.Publish(SampleServices.Many(40, "own"));
        var consumerStore = new CatalogStore();
        consumerStore.Local.Publish(SampleServices.Many(30, "con"));
        await using var consumer = new ConsumerSide(
            owner.Address,
            new HamletConsumerOptions { Envelope = HamletEnvelope.V1Alpha2, Context = "mesh-pair", Window = window },
            publication: new HamletPublication(consumerStore.Local, OwnerServer.ExportEverything("owner")));
        await consumer.StartAsync();

        // Both catalogs change while the stream syncs in both directions.
        var random = new Random(window);
        for (var i = 0; i < 100; i++)
        {
            var (store, prefix) = i % 2 == 0 ? (owner.Store, "own") : (consumerStore, "con");
            var name = prefix + random.Next(50).ToString("D4", CultureInfo.InvariantCulture);
            if (random.Next(3) == 0)
            {
                store.Local.Update([], [new ServiceKey(name)]);
            }
            else
            {
                store.Local.Update([SampleServices.Service(name, version: "r" + i.ToString(CultureInfo.InvariantCulture))], []);
            }
        }

        await consumer.WaitForCatalogAsync(owner.Store.Local.Current);
        await ownerImports.WaitForCatalogAsync(consumerStore.Local.Current);
        Assert.Equal(1, owner.StreamsAuthorized);
    }

    private static V2.BidirectionalStream Published(string nonce, string name, string context) => new()
    {
        Response = new V2.StreamResponse
        {
            Nonce = nonce,
            ResourceUrl = RawHamletClient.V2Url,
            ResourceId = name,
            Resource = Google.Protobuf.WellKnownTypes.Any.Pack(V1Alpha2Mapper.ToWire(SampleServices.Service(name))),
            Operation = V2.StreamResponse.Types.Operation.Upsert,
            Context = context,
        },
    };

    private static async Task<Status> TokenOnlyAsync(Grpc.Net.Client.GrpcChannel channel)
    {
        try
        {
            using var call = new V2.DiscoveryService.DiscoveryServiceClient(channel).EstablishStream(cancellationToken: Token);
            await call.RequestStream.WriteAsync(new V2.BidirectionalStream { Request = new V2.StreamRequest { ResourceUrl = RawHamletClient.V2Url, Context = "s3cret-scope" } }, Token);
            return await RawHamletClient.EndAsync(call);
        }
        catch (RpcException ex)
        {
            return ex.Status;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return new Status(StatusCode.Unavailable, ex.Message);
        }
    }

    /// <summary>The owner side's import view of what its peer publishes.</summary>
    private sealed class ImportTarget : IDisposable
    {
        private readonly string _peer;
        private readonly ImportView _view = new(ImportNamingPolicy.Default, ImportCollisionPolicy.EarliestWins, TimeProvider.System);
        private readonly ImportSessions _sessions;
        private readonly Lock _gate = new();
        private readonly ChangeSignal _changed = new();

        public ImportTarget(string peer)
        {
            _peer = peer;
            _sessions = new ImportSessions(_view, new ImportSessionOptions(), TimeProvider.System, _ => _changed.Notify());
            Handler = new CatalogImportHandler(_sessions);
        }

        public IHamletImportHandler Handler { get; }

        public IReadOnlyDictionary<ServiceKey, CatalogEntry> Imports
        {
            get
            {
                lock (_gate)
                {
                    return _view.GetPeerKeys(_peer).Select(k => _view.TryGetImport(_peer, k, out var e, out _) ? e : null).OfType<CatalogEntry>().ToDictionary(e => e.Key);
                }
            }
        }

        public async Task WaitForCatalogAsync(CatalogSnapshot exported)
        {
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(Token);
            bound.CancelAfter(TimeSpan.FromSeconds(60));
            while (true)
            {
                var changed = _changed.Next;
                var imports = Imports;
                if (imports.Count == exported.Count && exported.All(e => imports.TryGetValue(e.Key, out var i) && i == e with { Origin = CatalogOrigin.FromPeer(_peer, e.Key) }))
                {
                    return;
                }

                await changed.WaitAsync(bound.Token);
            }
        }

        public void Dispose() => _sessions.Dispose();
    }
}
