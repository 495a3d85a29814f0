using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MeshInterop.Catalog.Resync;
using MeshInterop.Protocol;
using MeshInterop.Protocol.Consumer;
using MeshInterop.Protocol.Mapping;
using Microsoft.Extensions.Time.Testing;
using Op = MeshInterop.FunctionalTests.Protocol.ScriptedPeer.Op;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.FunctionalTests.Protocol;

/// <summary>
/// The consumer engine against a hand-driven owner on real Kestrel with SPIFFE mTLS: the owner sends exactly the
/// frames a test wants (including what a MeshInterop owner never sends) and reads every answer. Each answer is
/// written only after the import handler completed, so once it is read the consumer's catalog is settled.
/// </summary>
public sealed class HamletConsumerWireTests
{
    public static TheoryData<HamletEnvelope> Envelopes => [HamletEnvelope.V1Alpha1, HamletEnvelope.V1Alpha2];

    private static string V2Url => RawHamletClient.V2Url;

    [Theory]
    [MemberData(nameof(Envelopes))]
    public async Task ack_type_mismatch_nacks_invalid_argument(HamletEnvelope envelope)
    {
        await using var owner = await ScriptedOwner.StartAsync();
        await using var consumer = await StartConsumerAsync(owner, envelope);
        var peer = await ScriptedPeer.AcceptAsync(owner, envelope);

        await peer.SendAsync("n1", "web", Any.Pack(V1Alpha1Mapper.ToWire(SampleServices.Service("web"))), Op.Create);
        var mistyped = await peer.ReadAnswerAsync();
        await peer.SendAsync("n2", "web", new Any { TypeUrl = V2Url, Value = ByteString.CopyFrom(0x0a, 0xff) }, Op.Create);
        var undecodable = await peer.ReadAnswerAsync();

        Assert.Equal(("n1", (int)StatusCode.InvalidArgument), (mistyped.Nonce, mistyped.Status!.Code));
        Assert.Contains("type_url", mistyped.Status.Message, StringComparison.Ordinal);
        Assert.Equal(("n2", (int)StatusCode.InvalidArgument), (undecodable.Nonce, undecodable.Status!.Code));
        Assert.Contains("does not decode", undecodable.Status.Message, StringComparison.Ordinal);
        Assert.Empty(consumer.Imports);
    }

    [Theory]
    [MemberData(nameof(Envelopes))]
    public async Task update_duplicate_create_upserts(HamletEnvelope envelope)
    {
        await using var owner = await ScriptedOwner.StartAsync();
        await using var consumer = await StartConsumerAsync(owner, envelope);
        var peer = await ScriptedPeer.AcceptAsync(owner, envelope);

        await AckedAsync(peer, p => p.UpsertAsync("n1", Wire("web", "v1")));
        await AckedAsync(peer, p => p.UpsertAsync("n2", Wire("web", "v2")));

        var imported = Assert.Single(consumer.Imports);
        Assert.Equal("service web v2", imported.Value.Description);
    }

    [Theory]
    [MemberData(nameof(Envelopes))]
    public async Task update_delete_unknown_key_acked(HamletEnvelope envelope)
    {
        await using var owner = await ScriptedOwner.StartAsync();
        await using var consumer = await StartConsumerAsync(owner, envelope);
        var peer = await ScriptedPeer.AcceptAsync(owner, envelope);

        await AckedAsync(peer, p => p.UpsertAsync("n1", Wire("web")));
        await AckedAsync(peer, p => p.DeleteAsync("n2", Wire("ghost")));

        Assert.Equal(["web"], consumer.Imports.Keys.Select(k => k.Name));
    }

    [Theory]
    [MemberData(nameof(Envelopes))]
    public async Task update_identical_update_no_event(HamletEnvelope envelope)
    {
        await using var owner = await ScriptedOwner.StartAsync();
        await using var consumer = await StartConsumerAsync(owner, envelope);
        var peer = await ScriptedPeer.AcceptAsync(owner, envelope);
        await AckedAsync(peer, p => p.UpsertAsync("n1", Wire("web")));
        var changes = consumer.ViewChanges;

        await AckedAsync(peer, p => p.UpsertAsync("n2", Wire("web"), isUpdate: true));

        Assert.Equal(changes, consumer.ViewChanges);
        Assert.Single(consumer.Imports);
    }

    [Theory]
    [MemberData(nameof(Envelopes))]
    public async Task ext_window_answers_in_order(HamletEnvelope envelope)
    {
        await using var owner = await ScriptedOwner.StartAsync();
        await using var consumer = await StartConsumerAsync(owner, envelope, new HamletConsumerOptions { Window = 8 });
        var peer = await ScriptedPeer.AcceptAsync(owner, envelope);

        // Eight responses back to back, two of them invalid: eight answers, in order, each with its own nonce.
        var nonces = Enumerable.Range(0, 8).Select(i => "w" + i).ToArray();
        for (var i = 0; i < nonces.Length; i++)
        {
            var resource = Wire("svc" + i);
            if (i is 2 or 5)
            {
                resource.Instances[0].Protocol = "SMTP";
            }

            await peer.UpsertAsync(nonces[i], resource);
        }

        var answers = new List<(string Nonce, int Code)>();
        for (var i = 0; i < nonces.Length; i++)
        {
            var (nonce, status) = await peer.ReadAnswerAsync();
            answers.Add((nonce, status!.Code));
        }

        Assert.Equal(nonces.Select((n, i) => (n, i is 2 or 5 ? (int)StatusCode.InvalidArgument : 0)), answers);
        Assert.Equal(6, consumer.Imports.Count);
    }

    [Fact]
    public async Task ext_snapshot_count_absent_uses_grace()
    {
        // A plain Hamlet owner: no headers, empty nonces, lockstep.
        var time = new FakeTimeProvider();
        await using var owner = await ScriptedOwner.StartAsync();
        await using var consumer = await StartConsumerAsync(owner, HamletEnvelope.V1Alpha1, time: time);
        var first = await ScriptedPeer.AcceptAsync(owner, HamletEnvelope.V1Alpha1);
        await AckedAsync(first, p => p.UpsertAsync(string.Empty, Wire("keep")), expectedNonce: string.Empty);
        await AckedAsync(first, p => p.UpsertAsync(string.Empty, Wire("stale")), expectedNonce: string.Empty);
        first.End(new Status(StatusCode.Unavailable, "restarting"));
        await consumer.WaitUntilAsync(side => side.Consumer.Status.State == HamletConsumerState.WaitingToRetry);
        time.Advance(TimeSpan.FromSeconds(2));

        var second = await ScriptedPeer.AcceptAsync(owner, HamletEnvelope.V1Alpha1);
        await AckedAsync(second, p => p.UpsertAsync(string.Empty, Wire("keep")), expectedNonce: string.Empty);

        // Nothing tells the consumer that "keep" was the whole snapshot: "stale" stays for the grace period...
        time.Advance(new ImportSessionOptions().SnapshotGracePeriod - TimeSpan.FromSeconds(1));
        Assert.Equal(["keep", "stale"], consumer.Imports.Keys.Select(k => k.Name).Order(StringComparer.Ordinal));

        // ...and goes when it ends.
        time.Advance(TimeSpan.FromSeconds(1));
        await consumer.WaitUntilAsync(side => side.Imports.Count == 1);
        Assert.Equal(["keep"], consumer.Imports.Keys.Select(k => k.Name));
    }

    [Fact]
    public async Task lifecycle_orphan_swept_after_grace()
    {
        var time = new FakeTimeProvider();
        var grace = TimeSpan.FromSeconds(30);
        var scripted = await ScriptedOwner.StartAsync();
        var port = scripted.Address.Port;
        await using var consumer = await StartConsumerAsync(scripted, HamletEnvelope.V1Alpha2, time: time, sessions: new ImportSessionOptions { SnapshotGracePeriod = grace });
        var before = await ScriptedPeer.AcceptAsync(scripted, HamletEnvelope.V1Alpha2);
        await AckedAsync(before, p => p.UpsertAsync("a1", Wire("web")));
        await AckedAsync(before, p => p.UpsertAsync("a2", Wire("orphan")));

        // The owner goes away; "orphan" is deleted while it is down, so no DELETE ever reaches the consumer.
        await scripted.DisposeAsync();
        await consumer.WaitUntilAsync(side => side.Consumer.Status.State == HamletConsumerState.WaitingToRetry);
        await using var restarted = await ScriptedOwner.StartAsync(port);
        time.Advance(TimeSpan.FromSeconds(2));
        var after = await ScriptedPeer.AcceptAsync(restarted, HamletEnvelope.V1Alpha2);
        await AckedAsync(after, p => p.UpsertAsync("b1", Wire("web")));
        Assert.Equal(2, consumer.Imports.Count);

        time.Advance(grace);

        await consumer.WaitUntilAsync(side => side.Imports.Count == 1);
        Assert.Equal(["web"], consumer.Imports.Keys.Select(k => k.Name));
    }

    [Theory]
    [MemberData(nameof(Envelopes))]
    public async Task model_empty_name_or_fqdn_rejected(HamletEnvelope envelope)
    {
        await using var owner = await ScriptedOwner.StartAsync();
        await using var consumer = await StartConsumerAsync(owner, envelope);
        var peer = await ScriptedPeer.AcceptAsync(owner, envelope);
        var noFqdn = Wire("web");
        noFqdn.Fqdn = string.Empty;
        var noName = Wire("api");
        noName.Name = string.Empty;

        var fqdnAnswer = await NackedAsync(peer, p => p.SendAsync("n1", "web", Any.Pack(noFqdn), Op.Create));
        var nameAnswer = await NackedAsync(peer, p => p.SendAsync("n2", "api", Any.Pack(noName), Op.Create));

        Assert.Contains("fqdn", fqdnAnswer.Message, StringComparison.Ordinal);
        Assert.Contains("name", nameAnswer.Message, StringComparison.Ordinal);
        Assert.All(new[] { fqdnAnswer, nameAnswer }, s => Assert.Equal((int)StatusCode.InvalidArgument, s.Code));
        Assert.Empty(consumer.Imports);
    }

    [Theory]
    [MemberData(nameof(Envelopes))]
    public async Task model_protocol_set_enforced(HamletEnvelope envelope)
    {
        await using var owner = await ScriptedOwner.StartAsync();
        await using var consumer = await StartConsumerAsync(owner, envelope);
        var peer = await ScriptedPeer.AcceptAsync(owner, envelope);
        var smtp = Wire("mail");
        smtp.Instances[0].Protocol = "SMTP";
        var https = Wire("web");
        https.Instances[0].Protocol = "https";

        var rejected = await NackedAsync(peer, p => p.UpsertAsync("n1", smtp));
        await AckedAsync(peer, p => p.UpsertAsync("n2", https));

        Assert.Equal((int)StatusCode.InvalidArgument, rejected.Code);
        Assert.Contains("instances[0].protocol", rejected.Message, StringComparison.Ordinal);
        Assert.Equal("HTTPS", Assert.Single(consumer.Imports).Value.Instances[0].Protocol);
    }

    [Theory]
    [MemberData(nameof(Envelopes))]
    public async Task model_port_and_address_validated(HamletEnvelope envelope)
    {
        await using var owner = await ScriptedOwner.StartAsync();
        await using var consumer = await StartConsumerAsync(owner, envelope);
        var peer = await ScriptedPeer.AcceptAsync(owner, envelope);
        var zero = Wire("zero");
        zero.Endpoints[0].Port = 0;
        var large = Wire("large");
        large.Endpoints[0].Port = 70_000;
        var address = Wire("address");
        address.Endpoints[0].Address = "not an address!";

        var answers = new[]
        {
            await NackedAsync(peer, p => p.UpsertAsync("n1", zero)),
            await NackedAsync(peer, p => p.UpsertAsync("n2", large)),
            await NackedAsync(peer, p => p.UpsertAsync("n3", address)),
        };

        Assert.All(answers, a => Assert.Equal((int)StatusCode.InvalidArgument, a.Code));
        Assert.All(answers, a => Assert.StartsWith("endpoints[", a.Message, StringComparison.Ordinal));
        Assert.Empty(consumer.Imports);
    }

    [Theory]
    [MemberData(nameof(Envelopes))]
    public async Task model_endpoint_selector_resolution(HamletEnvelope envelope)
    {
        await using var owner = await ScriptedOwner.StartAsync();
        await using var consumer = await StartConsumerAsync(owner, envelope);
        var peer = await ScriptedPeer.AcceptAsync(owner, envelope);
        var service = Wire("db");
        service.Endpoints.Clear();
        service.Endpoints.Add(new V2.FederatedService.Types.Endpoint { Address = "192.0.2.1", Port = 443, Labels = { "a" } });
        service.Endpoints.Add(new V2.FederatedService.Types.Endpoint { Address = "192.0.2.2", Port = 443, Labels = { "b" } });
        service.Instances.Clear();
        service.Instances.Add(new V2.FederatedService.Types.Instance { Id = "i1", Protocol = "TCP", EndpointSelector = { "a" } });
        service.Instances.Add(new V2.FederatedService.Types.Instance { Id = "i2", Protocol = "TCP", EndpointSelector = { "zzz" } });

        await AckedAsync(peer, p => p.UpsertAsync("n1", service));

        var imported = Assert.Single(consumer.Imports).Value;
        Assert.Equal(["192.0.2.1"], imported.ResolveEndpoints(imported.Instances.Single(i => i.Id == "i1")).Select(e => e.Address));
        Assert.Equal(["192.0.2.1", "192.0.2.2"], imported.ResolveEndpoints(imported.Instances.Single(i => i.Id == "i2")).Select(e => e.Address).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task model_rename_is_delete_create()
    {
        await using var owner = await ScriptedOwner.StartAsync();
        await using var consumer = await StartConsumerAsync(owner, HamletEnvelope.V1Alpha2);
        var peer = await ScriptedPeer.AcceptAsync(owner, HamletEnvelope.V1Alpha2);
        var renamed = Wire("new-name");
        renamed.Fqdn = "old-name.owner.example";

        await AckedAsync(peer, p => p.SendAsync("n1", "r-1", Any.Pack(Wire("old-name")), Op.Create));
        await AckedAsync(peer, p => p.SendAsync("n2", "r-1", Any.Pack(renamed), Op.Create));

        // One import under the resource ID, now with the new name; nothing carries the old one any more.
        var imported = Assert.Single(consumer.Imports);
        Assert.Equal(("r-1", "new-name"), (imported.Key.Name, imported.Value.Name));
        Assert.DoesNotContain(consumer.View.GetEntries(), e => e.Name == "old-name");
    }

    [Theory]
    [MemberData(nameof(Envelopes))]
    public async Task model_v1alpha1_bytes_parse_as_v1alpha2(HamletEnvelope envelope)
    {
        await using var owner = await ScriptedOwner.StartAsync();
        await using var consumer = await StartConsumerAsync(owner, envelope);
        var peer = await ScriptedPeer.AcceptAsync(owner, envelope);
        var v1 = V1Alpha1Mapper.ToWire(SampleServices.Service("legacy"));
        v1.Name = "legacy";
        v1.Id = "outbound_.8443_.v1_.legacy.owner.example";

        // Under the v1alpha2 type URL the bytes parse: fields 1-5 and 9 kept, 6-8 ignored...
        await AckedAsync(peer, p => p.SendAsync("n1", "legacy", new Any { TypeUrl = V2Url, Value = v1.ToByteString() }, Op.Create));

        // ...but under their own type URL they do not match the subscription: the URL decides, not the parse.
        var mistyped = await NackedAsync(peer, p => p.SendAsync("n2", "legacy", Any.Pack(v1), Op.Create));

        var imported = Assert.Single(consumer.Imports).Value;
        Assert.Equal(("legacy", "legacy.owner.example"), (imported.Name, imported.Fqdn));
        Assert.Equal(v1.Endpoints.Select(e => e.Address).Order(StringComparer.Ordinal), imported.Endpoints.Select(e => e.Address).Order(StringComparer.Ordinal));
        Assert.Empty(imported.SubjectAlternativeNames);
        Assert.Equal((int)StatusCode.InvalidArgument, mistyped.Code);
    }

    [Theory]
    [MemberData(nameof(Envelopes))]
    public async Task model_san_prefix_normalised(HamletEnvelope envelope)
    {
        await using var owner = await ScriptedOwner.StartAsync();
        await using var consumer = await StartConsumerAsync(owner, envelope);
        var peer = await ScriptedPeer.AcceptAsync(owner, envelope);
        var prefixed = Wire("a");
        prefixed.Sans.Clear();
        prefixed.Sans.Add("URI:spiffe://Owner.Example/ns/x");
        var bare = Wire("b");
        bare.Sans.Clear();
        bare.Sans.Add("spiffe://owner.example/ns/x");

        await AckedAsync(peer, p => p.UpsertAsync("n1", prefixed));
        await AckedAsync(peer, p => p.UpsertAsync("n2", bare));

        Assert.All(consumer.Imports.Values, e => Assert.Equal(["spiffe://owner.example/ns/x"], e.SubjectAlternativeNames));
    }

    internal static V2.FederatedService Wire(string name, string version = "v1") => V1Alpha2Mapper.ToWire(SampleServices.Service(name, version: version));

    private static async Task<ConsumerSide> StartConsumerAsync(ScriptedOwner owner, HamletEnvelope envelope, HamletConsumerOptions? options = null, TimeProvider? time = null, ImportSessionOptions? sessions = null)
    {
        options ??= new HamletConsumerOptions();
        options.Envelope = envelope;
        var consumer = new ConsumerSide(owner.Address, options, time, sessions);
        await consumer.StartAsync();
        return consumer;
    }

    private static async Task AckedAsync(ScriptedPeer peer, Func<ScriptedPeer, Task> send, string? expectedNonce = null)
    {
        await send(peer);
        var (nonce, status) = await peer.ReadAnswerAsync();
        Assert.NotNull(status);
        Assert.True(status.Code == 0, $"Expected an ACK, got code {status.Code}: {status.Message}");
        if (expectedNonce is not null)
        {
            Assert.Equal(expectedNonce, nonce);
        }
    }

    private static async Task<Google.Rpc.Status> NackedAsync(ScriptedPeer peer, Func<ScriptedPeer, Task> send)
    {
        await send(peer);
        var (_, status) = await peer.ReadAnswerAsync();
        Assert.NotNull(status);
        Assert.NotEqual(0, status.Code);
        Assert.False(string.IsNullOrEmpty(status.Message));
        return status;
    }
}
