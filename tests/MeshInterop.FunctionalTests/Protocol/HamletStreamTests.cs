using MeshInterop.Catalog;
using MeshInterop.Catalog.Validation;
using MeshInterop.Protocol;
using MeshInterop.Protocol.Consumer;
using MeshInterop.Protocol.Owner;

namespace MeshInterop.FunctionalTests.Protocol;

/// <summary>
/// The owner and consumer engines against each other over real Kestrel, HTTP/2 and SPIFFE mTLS on loopback.
/// Test names carry the conformance case IDs of the protocol reference where they prove one.
/// </summary>
public sealed class HamletStreamTests
{
    public static TheoryData<HamletEnvelope, HamletResourceVersion> Combinations => new()
    {
        { HamletEnvelope.V1Alpha1, HamletResourceVersion.V1Alpha2 },
        { HamletEnvelope.V1Alpha2, HamletResourceVersion.V1Alpha2 },
    };

    [Theory]
    [MemberData(nameof(Combinations))]
    public async Task snapshot_delivers_all_resources(HamletEnvelope envelope, HamletResourceVersion version)
    {
        var ownerOptions = new HamletOwnerOptions();
        ownerOptions.V1Alpha1EnvelopeResources.Add(HamletResourceVersion.V1Alpha2);
        await using var owner = await OwnerServer.StartAsync(ownerOptions);
        owner.Store.Local.Publish(SampleServices.Many(25));
        await using var consumer = new ConsumerSide(owner.Address, new HamletConsumerOptions { Envelope = envelope, ResourceVersion = version });

        await consumer.StartAsync();

        await consumer.WaitForCatalogAsync(owner.Store.Local.Current);
        await consumer.WaitUntilAsync(side => side.Consumer.Status.SnapshotComplete);
        Assert.Equal(HamletConsumerState.Connected, consumer.Consumer.Status.State);
    }

    [Fact]
    public async Task snapshot_v1alpha1_resources_on_the_v1alpha1_envelope()
    {
        await using var owner = await OwnerServer.StartAsync();
        owner.Store.Local.Publish(SampleServices.Many(5));
        await using var plain = new ConsumerSide(owner.Address, new HamletConsumerOptions { ResourceVersion = HamletResourceVersion.V1Alpha1 });

        await plain.StartAsync();

        // v1alpha1 has no instances: what it carries arrives, keyed by the SNI (id).
        await plain.WaitUntilAsync(side => side.Imports.Count == 5);
        var imported = plain.Imports[new ServiceKey("svc0003.owner.example")];
        Assert.Equal("svc0003.owner.example", imported.Fqdn);
        Assert.Equal(["spiffe://owner.example/ns/default/sa/svc0003"], imported.SubjectAlternativeNames);
        Assert.Equal(["HTTP"], imported.Protocols);
    }

    [Fact]
    public async Task update_create_update_delete_reach_the_consumer()
    {
        await using var owner = await OwnerServer.StartAsync(OwnerServer.ServingV1Alpha2OnBothEnvelopes());
        owner.Store.Local.Publish([SampleServices.Service("web")]);
        await using var consumer = new ConsumerSide(owner.Address);
        await consumer.StartAsync();
        await consumer.WaitForCatalogAsync(owner.Store.Local.Current);

        owner.Store.Local.Update([SampleServices.Service("api")], []);
        await consumer.WaitForCatalogAsync(owner.Store.Local.Current);
        owner.Store.Local.Update([SampleServices.Service("web", port: 9443, version: "v2")], []);
        await consumer.WaitForCatalogAsync(owner.Store.Local.Current);
        owner.Store.Local.Update([], [new ServiceKey("web")]);
        await consumer.WaitForCatalogAsync(owner.Store.Local.Current);

        Assert.Equal(["api"], consumer.Imports.Keys.Select(k => k.Name));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    public async Task update_concurrent_subscribe_consistent(int window)
    {
        await using var owner = await OwnerServer.StartAsync(OwnerServer.ServingV1Alpha2OnBothEnvelopes());
        owner.Store.Local.Publish(SampleServices.Many(300));
        await using var consumer = new ConsumerSide(owner.Address, new HamletConsumerOptions { Window = window });
        await consumer.StartAsync();

        // Publish while the snapshot is still streaming: nothing may be lost or duplicated.
        var random = new Random(window);
        for (var i = 0; i < 200; i++)
        {
            var name = "svc" + random.Next(400).ToString("D4", System.Globalization.CultureInfo.InvariantCulture);
            if (random.Next(3) == 0)
            {
                owner.Store.Local.Update([], [new ServiceKey(name)]);
            }
            else
            {
                owner.Store.Local.Update([SampleServices.Service(name, version: "r" + i)], []);
            }
        }

        await consumer.WaitForCatalogAsync(owner.Store.Local.Current);
    }

    [Fact]
    public async Task lifecycle_reconnect_after_owner_restart()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var store = new CatalogStore();
        store.Local.Publish([SampleServices.Service("web"), SampleServices.Service("old")]);
        var owner = await OwnerServer.StartAsync(OwnerServer.ServingV1Alpha2OnBothEnvelopes(), store);
        var port = owner.Address.Port;
        await using var consumer = new ConsumerSide(owner.Address, time: time);
        await consumer.StartAsync();
        await consumer.WaitForCatalogAsync(store.Local.Current);

        await owner.DisposeAsync();
        await consumer.WaitUntilAsync(side => side.Consumer.Status.State == HamletConsumerState.WaitingToRetry);
        Assert.Equal(2, consumer.Imports.Count); // a control-channel outage keeps the imports

        // While the owner is down, "old" goes away; the snapshot after the restart must sweep it.
        store.Local.Update([SampleServices.Service("new")], [new ServiceKey("old")]);
        await using var restarted = await OwnerServer.StartAsync(OwnerServer.ServingV1Alpha2OnBothEnvelopes(), store, port: port);
        time.Advance(TimeSpan.FromSeconds(2));

        await consumer.WaitForCatalogAsync(store.Local.Current);
        Assert.Equal(1, consumer.Consumer.Status.Reconnects);
    }

    [Fact]
    public async Task Owner_UnknownAgentOfATrustedDomain_PermissionDeniedAndNotRetried()
    {
        await using var owner = await OwnerServer.StartAsync(OwnerServer.ServingV1Alpha2OnBothEnvelopes());
        var stranger = HamletTestPki.Svid(HamletTestPki.Consumer, Identity.SpiffeId.Parse("spiffe://consumer.example/someone-else"));
        await using var consumer = new ConsumerSide(owner.Address, svid: stranger);

        await consumer.StartAsync();

        await consumer.WaitUntilAsync(side => side.Consumer.Status.State == HamletConsumerState.Failed);
        Assert.Contains("PermissionDenied", consumer.Consumer.Status.LastError, StringComparison.Ordinal);
        Assert.Equal(0, consumer.Consumer.Status.Reconnects);
    }

    [Fact]
    public async Task transport_client_cert_untrusted_ca_rejected()
    {
        await using var owner = await OwnerServer.StartAsync(OwnerServer.ServingV1Alpha2OnBothEnvelopes());
        owner.Store.Local.Publish([SampleServices.Service("web")]);
        var foreign = HamletTestPki.Svid(HamletTestPki.Foreign, Identity.SpiffeId.Parse("spiffe://foreign.example/meshinterop/agent"));
        await using var consumer = new ConsumerSide(owner.Address, svid: foreign);

        await consumer.StartAsync();

        // With TLS 1.3 the client learns of the rejection only as a broken connection, so it retries;
        // what matters is that no attempt gets past the handshake.
        await consumer.WaitUntilAsync(side => side.Consumer.Status.Reconnects >= 1);
        Assert.Equal(0, owner.StreamsAuthorized);
        Assert.Empty(consumer.Imports);
    }

    [Fact]
    public async Task transport_server_cert_verified_by_default()
    {
        var impostor = HamletTestPki.Svid(HamletTestPki.Owner, Identity.SpiffeId.Parse("spiffe://owner.example/not-the-agent"));
        await using var owner = await OwnerServer.StartAsync(OwnerServer.ServingV1Alpha2OnBothEnvelopes(), svid: impostor);
        await using var consumer = new ConsumerSide(owner.Address);

        await consumer.StartAsync();

        await consumer.WaitUntilAsync(side => side.Consumer.Status.State == HamletConsumerState.Failed);
        Assert.StartsWith("TLS authentication failed", consumer.Consumer.Status.LastError, StringComparison.Ordinal);
        Assert.Equal(0, consumer.Consumer.Status.Reconnects);
        Assert.Equal(0, owner.StreamsAuthorized);
    }

    [Fact]
    public async Task lifecycle_stop_purge_removes_imports()
    {
        await using var owner = await OwnerServer.StartAsync(OwnerServer.ServingV1Alpha2OnBothEnvelopes());
        owner.Store.Local.Publish(SampleServices.Many(3));
        await using var consumer = new ConsumerSide(owner.Address);
        await consumer.StartAsync();
        await consumer.WaitForCatalogAsync(owner.Store.Local.Current);

        await consumer.Consumer.StopAsync(purge: true, TestContext.Current.CancellationToken);

        Assert.Empty(consumer.Imports);
        Assert.Equal(HamletConsumerState.Stopped, consumer.Consumer.Status.State);
    }

    [Fact]
    public async Task lifecycle_graceful_stop_retryable()
    {
        await using var owner = await OwnerServer.StartAsync(OwnerServer.ServingV1Alpha2OnBothEnvelopes());
        await using var consumer = new ConsumerSide(owner.Address);
        await consumer.StartAsync();
        await consumer.WaitUntilAsync(side => side.Consumer.Status.State == HamletConsumerState.Connected);

        owner.Owner.BeginShutdown();

        await consumer.WaitUntilAsync(side => side.Consumer.Status.State == HamletConsumerState.WaitingToRetry);
        Assert.Contains("Unavailable", consumer.Consumer.Status.LastError, StringComparison.Ordinal);
    }
}
