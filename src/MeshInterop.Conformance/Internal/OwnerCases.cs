using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using MeshInterop.Protocol;
using static MeshInterop.Conformance.Internal.CaseContext;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Conformance.Internal;

/// <summary>
/// The owner-role cases: the kit dials the target as a consumer with its own raw client and judges every frame. Each
/// returns a one-line summary when the case passes and throws <see cref="CaseOutcomeException"/> otherwise.
/// </summary>
internal static class OwnerCases
{
    public static readonly IReadOnlyDictionary<string, Func<CaseContext, Task<string>>> All = new Dictionary<string, Func<CaseContext, Task<string>>>(StringComparer.Ordinal)
    {
        ["transport_client_without_cert_rejected"] = c => ExpectTransportRejectionAsync(c, KitDial.NoClientCertificate, "without a client certificate"),
        ["transport_client_cert_untrusted_ca_rejected"] = c => ExpectTransportRejectionAsync(c, KitDial.UntrustedAuthority, "with a certificate from an untrusted CA"),
        ["transport_plaintext_rejected_by_default"] = c => ExpectTransportRejectionAsync(c, KitDial.Plaintext, "over plaintext h2c"),
        ["transport_spiffe_trust_domain_pinned"] = c => ExpectTransportRejectionAsync(c, KitDial.ForeignTrustDomain, "with a certificate naming another trust domain"),
        ["snapshot_delivers_all_resources"] = SnapshotDeliversAllAsync,
        ["snapshot_empty_keeps_stream_open"] = SnapshotEmptyAsync,
        ["snapshot_invalid_resource_url_rejected"] = InvalidResourceUrlAsync,
        ["snapshot_resource_url_change_rejected"] = ResourceUrlChangeAsync,
        ["snapshot_nonces_unique_non_empty"] = NoncesAsync,
        ["ack_one_response_in_flight"] = OneInFlightAsync,
        ["ack_releases_next_response"] = AckReleasesAsync,
        ["ack_nack_keeps_stream_open"] = NackKeepsOpenAsync,
        ["ack_unknown_nonce_ignored"] = UnknownNonceAsync,
        ["ack_timeout_ends_stream"] = AckTimeoutAsync,
        ["update_create_fanout"] = CreateFanoutAsync,
        ["update_carries_full_object"] = FullObjectAsync,
        ["update_delete_removes_entry"] = DeleteAsync,
        ["update_per_key_order_preserved"] = PerKeyOrderAsync,
        ["update_stalled_subscriber_isolated"] = StalledIsolatedAsync,
        ["update_overflow_converges"] = OverflowConvergesAsync,
        ["update_concurrent_subscribe_consistent"] = ConcurrentSubscribeAsync,
        ["lifecycle_cancel_releases_subscription"] = CancelReleasesAsync,
        ["lifecycle_idle_stream_survives_keepalive"] = KeepAliveAsync,
        ["lifecycle_graceful_stop_retryable"] = GracefulStopAsync,
        ["version_side_by_side_hosting"] = SideBySideAsync,
        ["version_v2_first_frame_must_be_request"] = FirstFrameResponseAsync,
        ["version_v2_context_token_checked"] = ContextTokenAsync,
        ["version_v2_frames_carry_id_and_context"] = FramesCarryIdAndContextAsync,
        ["ext_snapshot_count_header_sent"] = SnapshotCountHeaderAsync,
        ["ext_window_honoured"] = WindowAsync,
    };

    private static async Task<string> ExpectTransportRejectionAsync(CaseContext c, KitDial dial, string how)
    {
        if (dial == KitDial.ForeignTrustDomain)
        {
            c.Require(ConformanceCapabilities.TrustDomainPinning, "trust-domain pinning");
            if (c.Options.Tls.ForeignTrustDomainIdentity is null)
            {
                throw new CaseOutcomeException(ConformanceOutcome.NotApplicable, "Tls.ForeignTrustDomainIdentity is not set.");
            }
        }

        var stream = await c.SubscribeAsync(c.Invoker(dial), label: "stream " + how).ConfigureAwait(false);
        var status = await stream.EndedAsync(c.Timing.DeliveryBound).ConfigureAwait(false)
            ?? throw Fail($"A stream opened {how} is still open after {Seconds(c.Timing.DeliveryBound)}; the owner must refuse it.");
        if (status.StatusCode == StatusCode.OK)
        {
            throw Fail($"A stream opened {how} ended with OK; the owner must refuse it at the handshake.");
        }

        // A gRPC status from the owner means it accepted the connection and saw the stream: the handshake should have failed.
        if (stream.HeadersReceived || status.StatusCode is not (StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown))
        {
            throw Fail($"The owner accepted the connection {how} and answered the stream itself ({status.StatusCode}: {status.Detail}); it must fail the handshake so that no stream exists.");
        }

        return $"Refused at the transport {how}: {status.StatusCode} ({status.DebugException?.GetType().Name ?? "no inner exception"}).";
    }

    private static async Task<string> SnapshotDeliversAllAsync(CaseContext c)
    {
        var names = await c.CreateManyAsync(3).ConfigureAwait(false);
        var stream = await c.SubscribeAsync().ConfigureAwait(false);
        var frames = await stream.CollectAsync(names.Count, c.Timing.DeliveryBound, ack: true).ConfigureAwait(false);
        foreach (var frame in frames)
        {
            if (!frame.IsCreateLike)
            {
                throw Fail($"Snapshot response {frame} is not a CREATE{(c.Envelope == HamletEnvelope.V1Alpha2 ? " (UPSERT)" : string.Empty)}.");
            }

            if (frame.Resource is null || !HamletResourceTypes.SameType(frame.Resource.TypeUrl, c.ResourceUrl) || !HamletResourceTypes.SameType(frame.ResourceUrl, c.ResourceUrl))
            {
                throw Fail($"Snapshot response {frame} is not typed '{c.ResourceUrl}' (resource_url '{frame.ResourceUrl}').");
            }
        }

        var seen = frames.Select(f => f.Name).Order(StringComparer.Ordinal).ToList();
        if (!seen.SequenceEqual(names.Order(StringComparer.Ordinal)))
        {
            throw Fail($"The snapshot named [{string.Join(", ", seen)}]; expected exactly [{string.Join(", ", names)}].");
        }

        if (await stream.NextAsync(c.Timing.QuietPeriod).ConfigureAwait(false) is { } extra)
        {
            throw Fail($"After the {names.Count} snapshot responses the owner sent {extra}; expected nothing more.");
        }

        return $"{names.Count} services, {names.Count} CREATE responses, each typed '{c.ResourceUrl}'.";
    }

    private static async Task<string> SnapshotEmptyAsync(CaseContext c)
    {
        var stream = await c.SubscribeAsync().ConfigureAwait(false);
        if (await stream.NextAsync(c.Timing.QuietPeriod).ConfigureAwait(false) is { } frame)
        {
            throw Fail($"An empty owner sent {frame}; the target must export nothing to the kit before the run.");
        }

        if (stream.EndStatus is { } status)
        {
            throw Fail($"The stream to an empty owner ended with {status.StatusCode}: {status.Detail}; it must stay open.");
        }

        return $"No response and no status for {Seconds(c.Timing.QuietPeriod)}.";
    }

    private static async Task<string> InvalidResourceUrlAsync(CaseContext c)
    {
        var invoker = c.Invoker();
        foreach (var url in new[] { string.Empty, "type.googleapis.com/conformance.test.NotAResource" })
        {
            var stream = c.Open(invoker, url.Length == 0 ? "empty-url stream" : "unknown-url stream");
            await stream.SubscribeAsync(url, c.StreamContext).ConfigureAwait(false);
            await ExpectEndAsync(c, stream, StatusCode.InvalidArgument, $"a subscription with resource_url '{url}'").ConfigureAwait(false);
        }

        return "Both the empty and the unknown resource_url ended with InvalidArgument.";
    }

    private static async Task<string> ResourceUrlChangeAsync(CaseContext c)
    {
        var stream = await c.SubscribeAsync().ConfigureAwait(false);
        await stream.HeadersAsync(c.Timing.QuietPeriod).ConfigureAwait(false);
        await stream.RequestOtherTypeAsync(c.OtherResourceUrl).ConfigureAwait(false);
        await ExpectEndAsync(c, stream, StatusCode.InvalidArgument, "a request for another resource type").ConfigureAwait(false);
        return "Switching resource_url ended the stream with InvalidArgument.";
    }

    private static async Task<string> NoncesAsync(CaseContext c)
    {
        var names = await c.CreateManyAsync(3).ConfigureAwait(false);
        var stream = await c.SubscribeAsync().ConfigureAwait(false);
        var frames = await stream.CollectAsync(3, c.Timing.DeliveryBound, ack: true).ConfigureAwait(false);
        await c.UpdateAsync(names[0], 2).ConfigureAwait(false);
        frames.AddRange(await stream.CollectAsync(1, c.Timing.DeliveryBound, ack: true).ConfigureAwait(false));
        await c.DeleteAsync(names[1]).ConfigureAwait(false);
        frames.AddRange(await stream.CollectAsync(1, c.Timing.DeliveryBound, ack: true).ConfigureAwait(false));
        if (frames.Count < 5)
        {
            throw Fail($"Expected 5 responses (3 snapshot, 1 update, 1 delete) within {Seconds(c.Timing.DeliveryBound)} each; got {frames.Count}.");
        }

        if (frames.FirstOrDefault(f => f.Nonce.Length == 0) is { } empty)
        {
            throw Fail($"Response {empty} has an empty nonce.");
        }

        var duplicate = frames.GroupBy(f => f.Nonce, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw Fail($"Nonce '{duplicate.Key}' was used {duplicate.Count()} times on one stream.");
        }

        return $"{frames.Count} responses, {frames.Count} distinct non-empty nonces.";
    }

    private static async Task<(KitClientStream Stream, KitFrame First)> FirstOfTwoAsync(CaseContext c, Metadata? headers = null)
    {
        await c.CreateManyAsync(2).ConfigureAwait(false);
        var stream = await c.SubscribeAsync(headers: headers).ConfigureAwait(false);
        var first = await stream.NextAsync(c.Timing.DeliveryBound).ConfigureAwait(false)
            ?? throw Fail($"No response within {Seconds(c.Timing.DeliveryBound)} of subscribing to an owner with two services.");
        return (stream, first);
    }

    private static async Task<string> OneInFlightAsync(CaseContext c)
    {
        var (stream, first) = await FirstOfTwoAsync(c).ConfigureAwait(false);
        if (await stream.NextAsync(c.Timing.QuietPeriod).ConfigureAwait(false) is { } second)
        {
            throw Fail($"The owner sent {second} before {first.Nonce} was answered; only one response may be in flight.");
        }

        return $"Response 2 was held for {Seconds(c.Timing.QuietPeriod)} while response 1 was unanswered.";
    }

    private static async Task<string> AckReleasesAsync(CaseContext c)
    {
        var (stream, first) = await FirstOfTwoAsync(c).ConfigureAwait(false);
        await stream.AckAsync(first.Nonce).ConfigureAwait(false);
        _ = await stream.NextAsync(c.Timing.DeliveryBound).ConfigureAwait(false)
            ?? throw Fail($"The ACK of '{first.Nonce}' did not release the next response within {Seconds(c.Timing.DeliveryBound)}.");
        return "The ACK released the next response.";
    }

    private static async Task<string> NackKeepsOpenAsync(CaseContext c)
    {
        var (stream, first) = await FirstOfTwoAsync(c).ConfigureAwait(false);
        await stream.NackAsync(first.Nonce, StatusCode.InvalidArgument, "rejected on purpose by the conformance kit").ConfigureAwait(false);
        var second = await stream.NextAsync(c.Timing.DeliveryBound).ConfigureAwait(false)
            ?? throw Fail($"After a NACK the next response did not come within {Seconds(c.Timing.DeliveryBound)}{(stream.EndStatus is { } s ? $"; the stream ended with {s.StatusCode}" : string.Empty)}.");
        await stream.AckAsync(second.Nonce).ConfigureAwait(false);
        if (await stream.NextAsync(c.Timing.QuietPeriod).ConfigureAwait(false) is { } resent)
        {
            throw Fail($"The owner sent {resent} after the NACK although nothing changed; NACKed content must not be resent spontaneously.");
        }

        if (stream.EndStatus is { } status)
        {
            throw Fail($"The stream ended with {status.StatusCode} after a NACK; it must stay open.");
        }

        return "The NACK answered its response, the stream stayed open, and nothing was resent.";
    }

    private static async Task<string> UnknownNonceAsync(CaseContext c)
    {
        var (stream, first) = await FirstOfTwoAsync(c).ConfigureAwait(false);
        await stream.AckAsync("conformance-nonce-never-sent").ConfigureAwait(false);
        if (await stream.NextAsync(c.Timing.QuietPeriod).ConfigureAwait(false) is { } released)
        {
            throw Fail($"An ACK for an unknown nonce released {released}; it must be ignored.");
        }

        if (stream.EndStatus is { } status)
        {
            throw Fail($"An ACK for an unknown nonce ended the stream with {status.StatusCode}: {status.Detail}.");
        }

        await stream.AckAsync(first.Nonce).ConfigureAwait(false);
        _ = await stream.NextAsync(c.Timing.DeliveryBound).ConfigureAwait(false)
            ?? throw Fail("After the unknown nonce, the real ACK no longer released the next response.");
        return "The unknown nonce was ignored; the real ACK still worked.";
    }

    private static async Task<string> AckTimeoutAsync(CaseContext c)
    {
        await c.CreateAsync(c.NewName()).ConfigureAwait(false);
        var stream = await c.SubscribeAsync().ConfigureAwait(false);
        _ = await stream.NextAsync(c.Timing.DeliveryBound).ConfigureAwait(false) ?? throw Fail("No response to hold unanswered.");
        var bound = c.Timing.TargetAckTimeout + c.Timing.DeliveryBound;
        var status = await stream.EndedAsync(bound).ConfigureAwait(false)
            ?? throw Fail($"The stream is still open {Seconds(bound)} after an unanswered response (target ACK timeout {Seconds(c.Timing.TargetAckTimeout)}).");
        if (status.StatusCode == StatusCode.OK)
        {
            throw Fail("The ACK timeout ended the stream with OK; it must be a non-OK status.");
        }

        return $"The unanswered stream ended with {status.StatusCode} after {Seconds(c.Elapsed)}.";
    }

    private static async Task SettleAsync(CaseContext c, params KitClientStream[] streams)
    {
        // A subscription is in place once the owner answered with headers; a plain owner with nothing to send may
        // send none, so give it the quiet period instead.
        foreach (var stream in streams)
        {
            if (await stream.HeadersAsync(c.Timing.QuietPeriod).ConfigureAwait(false) is null)
            {
                c.Note($"{stream.Label}: no headers within {Seconds(c.Timing.QuietPeriod)}; assuming the subscription is in place");
            }
        }
    }

    private static async Task<string> CreateFanoutAsync(CaseContext c)
    {
        c.Require(ConformanceCapabilities.Mutation, "this case");
        var invoker = c.Invoker();
        var first = await c.SubscribeAsync(invoker, "subscriber A").ConfigureAwait(false);
        var second = await c.SubscribeAsync(invoker, "subscriber B").ConfigureAwait(false);
        await SettleAsync(c, first, second).ConfigureAwait(false);
        var name = c.NewName();
        await c.CreateAsync(name).ConfigureAwait(false);
        foreach (var stream in new[] { first, second })
        {
            var frame = await stream.NextAsync(c.Timing.DeliveryBound).ConfigureAwait(false)
                ?? throw Fail($"{stream.Label} did not receive the new service within {Seconds(c.Timing.DeliveryBound)}.");
            if (!frame.IsCreateLike || !string.Equals(frame.Name, name, StringComparison.Ordinal))
            {
                throw Fail($"{stream.Label} received {frame}; expected CREATE of '{name}'.");
            }
        }

        return "Both subscribers received the CREATE.";
    }

    private static async Task<string> FullObjectAsync(CaseContext c)
    {
        var name = c.NewName();
        await c.CreateAsync(name).ConfigureAwait(false);
        var stream = await c.SubscribeAsync().ConfigureAwait(false);
        _ = (await stream.CollectAsync(1, c.Timing.DeliveryBound, ack: true).ConfigureAwait(false)).SingleOrDefault() ?? throw Fail("The snapshot did not arrive.");
        var expected = await c.UpdateAsync(name, 2).ConfigureAwait(false);
        var update = await stream.NextAsync(c.Timing.DeliveryBound).ConfigureAwait(false) ?? throw Fail($"No UPDATE within {Seconds(c.Timing.DeliveryBound)}.");
        var wanted = c.Envelope == HamletEnvelope.V1Alpha2 ? KitOperation.Upsert : KitOperation.Update;
        if (update.Operation != wanted || !string.Equals(update.Name, name, StringComparison.Ordinal))
        {
            throw Fail($"Received {update}; expected {wanted.ToString().ToUpperInvariant()} of '{name}' (G7).");
        }

        if (KitServices.Difference(expected, update.Decoded) is { } difference)
        {
            throw Fail($"The UPDATE is not the full current object: {difference}.");
        }

        return "The UPDATE carried every field with its current value.";
    }

    private static async Task<string> DeleteAsync(CaseContext c)
    {
        c.Require(ConformanceCapabilities.Mutation, "the owner side of this case");
        var name = c.NewName();
        await c.CreateAsync(name).ConfigureAwait(false);
        var stream = await c.SubscribeAsync().ConfigureAwait(false);
        _ = (await stream.CollectAsync(1, c.Timing.DeliveryBound, ack: true).ConfigureAwait(false)).SingleOrDefault() ?? throw Fail("The snapshot did not arrive.");
        await c.DeleteAsync(name).ConfigureAwait(false);
        var frame = await stream.NextAsync(c.Timing.DeliveryBound).ConfigureAwait(false) ?? throw Fail($"No DELETE within {Seconds(c.Timing.DeliveryBound)}.");
        if (frame.Operation != KitOperation.Delete || !string.Equals(frame.Name, name, StringComparison.Ordinal))
        {
            throw Fail($"Received {frame}; expected DELETE of '{name}' keyed so the consumer can find it (G1, G8).");
        }

        return "The DELETE named the removed service.";
    }

    /// <summary>Replays frames into the state a consumer would hold.</summary>
    private static Dictionary<string, KitFrame> Replay(IEnumerable<KitFrame> frames)
    {
        var state = new Dictionary<string, KitFrame>(StringComparer.Ordinal);
        foreach (var frame in frames)
        {
            if (frame.Operation == KitOperation.Delete)
            {
                state.Remove(frame.Name);
            }
            else
            {
                state[frame.Name] = frame;
            }
        }

        return state;
    }

    private static async Task<List<KitFrame>> DrainAsync(CaseContext c, KitClientStream stream)
    {
        // Answer everything until the owner has been quiet for Q, within T overall.
        var frames = new List<KitFrame>();
        var deadline = c.Elapsed + c.Timing.DeliveryBound;
        while (c.Elapsed < deadline && await stream.NextAsync(c.Timing.QuietPeriod).ConfigureAwait(false) is { } frame)
        {
            frames.Add(frame);
            await stream.AckAsync(frame.Nonce).ConfigureAwait(false);
        }

        return frames;
    }

    private static async Task<string> PerKeyOrderAsync(CaseContext c)
    {
        c.Require(ConformanceCapabilities.Mutation, "the owner side of this case");
        var stream = await c.SubscribeAsync().ConfigureAwait(false);
        await SettleAsync(c, stream).ConfigureAwait(false);
        var name = c.NewName();
        await c.CreateAsync(name).ConfigureAwait(false);
        await c.UpdateAsync(name, 2).ConfigureAwait(false);
        await c.DeleteAsync(name).ConfigureAwait(false);
        var frames = (await DrainAsync(c, stream).ConfigureAwait(false)).Where(f => string.Equals(f.Name, name, StringComparison.Ordinal)).ToList();
        var deleteAt = frames.FindIndex(f => f.Operation == KitOperation.Delete);
        if (deleteAt >= 0 && deleteAt < frames.Count - 1)
        {
            throw Fail($"After the DELETE the owner still sent {frames[deleteAt + 1]}; per-key order was lost.");
        }

        if (Replay(frames).ContainsKey(name))
        {
            throw Fail($"Replaying the {frames.Count} frames for '{name}' leaves it present; create, update, delete must end absent.");
        }

        return $"{frames.Count} frames for the key, in order, ending absent.";
    }

    private static async Task<string> StalledIsolatedAsync(CaseContext c)
    {
        c.Require(ConformanceCapabilities.Mutation, "this case");
        var invoker = c.Invoker();
        var stalled = await c.SubscribeAsync(invoker, "stalled subscriber").ConfigureAwait(false);
        var healthy = await c.SubscribeAsync(invoker, "healthy subscriber").ConfigureAwait(false);
        await SettleAsync(c, stalled, healthy).ConfigureAwait(false);
        var names = await c.CreateManyAsync(3).ConfigureAwait(false);
        var frames = await healthy.CollectAsync(3, c.Timing.DeliveryBound, ack: true).ConfigureAwait(false);
        var got = frames.Select(f => f.Name).Order(StringComparer.Ordinal).ToList();
        if (!got.SequenceEqual(names.Order(StringComparer.Ordinal)))
        {
            throw Fail($"While another subscriber stalled, the healthy one received [{string.Join(", ", got)}] of [{string.Join(", ", names)}] within {Seconds(c.Timing.DeliveryBound)}.");
        }

        return "The healthy subscriber received all three events while the other stalled.";
    }

    private static async Task<string> OverflowConvergesAsync(CaseContext c)
    {
        c.Require(ConformanceCapabilities.Mutation, "this case");
        var stream = await c.SubscribeAsync().ConfigureAwait(false);
        await SettleAsync(c, stream).ConfigureAwait(false);
        var names = await c.CreateManyAsync(4).ConfigureAwait(false);
        var held = await stream.NextAsync(c.Timing.DeliveryBound).ConfigureAwait(false) ?? throw Fail("No first event to hold unanswered.");
        foreach (var name in names)
        {
            await c.UpdateAsync(name, 2).ConfigureAwait(false);
            await c.UpdateAsync(name, 3).ConfigureAwait(false);
        }

        await c.DeleteAsync(names[3]).ConfigureAwait(false);
        await stream.AckAsync(held.Nonce).ConfigureAwait(false);
        var frames = new List<KitFrame> { held };
        frames.AddRange(await DrainAsync(c, stream).ConfigureAwait(false));
        var state = Replay(frames);
        foreach (var name in names.Take(3))
        {
            if (!state.TryGetValue(name, out var last))
            {
                throw Fail($"After resuming, '{name}' is missing; the latest state was lost.");
            }

            if (KitServices.Difference(KitServices.Service(name, 3), last.Decoded) is { } difference)
            {
                throw Fail($"After resuming, '{name}' is stale: {difference}; the latest state was lost.");
            }
        }

        if (state.ContainsKey(names[3]))
        {
            throw Fail($"'{names[3]}' was deleted while the subscriber stalled but is still present after it resumed.");
        }

        return $"After 13 changes to a stalled subscriber, {frames.Count} frames converged to the final state.";
    }

    private static async Task<string> ConcurrentSubscribeAsync(CaseContext c)
    {
        c.Require(ConformanceCapabilities.Mutation, "this case");
        var publishing = c.CreateManyAsync(5);
        var stream = await c.SubscribeAsync().ConfigureAwait(false);
        var names = await publishing.ConfigureAwait(false);
        var frames = await DrainAsync(c, stream).ConfigureAwait(false);
        var state = Replay(frames);
        var missing = names.Where(n => !state.ContainsKey(n)).ToList();
        if (missing.Count > 0)
        {
            throw Fail($"Services published during the subscription were lost: [{string.Join(", ", missing)}].");
        }

        if (c.Envelope == HamletEnvelope.V1Alpha1)
        {
            var creates = frames.Where(f => f.Operation == KitOperation.Create).GroupBy(f => f.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
            if (creates is not null)
            {
                throw Fail($"'{creates.Key}' was sent as CREATE {creates.Count()} times on one stream (G7: CREATE only for a key not yet sent).");
            }
        }

        return $"All {names.Count} services published during the subscription arrived exactly once.";
    }

    private static async Task<string> CancelReleasesAsync(CaseContext c)
    {
        var invoker = c.Invoker();
        for (var i = 0; i < 20; i++)
        {
            var deadline = c.Elapsed + c.Timing.DeliveryBound;
            while (true)
            {
                await using var stream = KitClientStream.Open(c, invoker, c.Envelope, label: $"stream {i + 1}");
                await stream.SubscribeAsync(c.ResourceUrl, c.StreamContext).ConfigureAwait(false);
                await stream.HeadersAsync(c.Timing.QuietPeriod).ConfigureAwait(false);
                if (stream.EndStatus is not { } status)
                {
                    break;
                }

                if (status.StatusCode != StatusCode.ResourceExhausted || c.Elapsed > deadline)
                {
                    throw Fail($"Stream {i + 1} of 20, each cancelled before the next, ended with {status.StatusCode}: {status.Detail}; cancelled subscriptions are not released.");
                }
            }
        }

        return "20 streams opened and cancelled one after another all subscribed.";
    }

    private static async Task<string> KeepAliveAsync(CaseContext c)
    {
        var invoker = c.Invoker(configure: handler =>
        {
            handler.KeepAlivePingDelay = c.Timing.KeepAlivePingInterval;
            handler.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
            handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always;
        });
        var stream = await c.SubscribeAsync(invoker, "idle stream").ConfigureAwait(false);
        if (await stream.EndedAsync(c.Timing.KeepAliveObservation).ConfigureAwait(false) is { } status)
        {
            throw Fail($"The idle stream, pinged every {Seconds(c.Timing.KeepAlivePingInterval)}, ended with {status.StatusCode} after {Seconds(c.Elapsed)}: {status.Detail}.");
        }

        return $"An idle stream pinged every {Seconds(c.Timing.KeepAlivePingInterval)} stayed open for {Seconds(c.Timing.KeepAliveObservation)}.";
    }

    private static async Task<string> GracefulStopAsync(CaseContext c)
    {
        var stream = await c.SubscribeAsync().ConfigureAwait(false);
        await SettleAsync(c, stream).ConfigureAwait(false);
        await c.CallHookAsync("stop", c.Hook.StopAsync).ConfigureAwait(false);

        await ExpectEndAsync(c, stream, StatusCode.Unavailable, "a graceful stop").ConfigureAwait(false);
        return "The graceful stop ended the stream with Unavailable.";
    }

    private static async Task<string> SideBySideAsync(CaseContext c)
    {
        var other = c.Envelope == HamletEnvelope.V1Alpha1 ? HamletEnvelope.V1Alpha2 : HamletEnvelope.V1Alpha1;
        var otherUrl = HamletResourceTypes.TypeUrl(other == HamletEnvelope.V1Alpha2 ? MeshInterop.Catalog.Validation.HamletResourceVersion.V1Alpha2 : MeshInterop.Catalog.Validation.HamletResourceVersion.V1Alpha1);
        var stream = c.Open(c.Invoker(), $"{other} stream", envelope: other);
        await stream.SubscribeAsync(otherUrl, other == HamletEnvelope.V1Alpha2 ? c.Options.ContextToken ?? "meshinterop-conformance" : string.Empty).ConfigureAwait(false);
        var status = await stream.EndedAsync(c.Timing.QuietPeriod).ConfigureAwait(false);
        return status switch
        {
            null => $"The same server also hosts the {other} envelope.",
            { StatusCode: StatusCode.Unimplemented } => $"The {other} envelope is not hosted and answers Unimplemented.",
            { } ended => throw Fail($"Calling the {other} envelope ended with {ended.StatusCode}: {ended.Detail}; expected it to be served or Unimplemented."),
        };
    }

    private static async Task<string> FirstFrameResponseAsync(CaseContext c)
    {
        var stream = c.Open(c.Invoker(), "response-first stream");
        var service = KitServices.Service(c.NewName());
        await stream.SendV2ResponseAsync(new V2.StreamResponse
        {
            Nonce = "kit-first",
            ResourceUrl = c.ResourceUrl,
            ResourceId = service.Name,
            Resource = KitServices.Pack(service, c.ResourceVersion),
            Operation = V2.StreamResponse.Types.Operation.Upsert,
        }).ConfigureAwait(false);
        await ExpectEndAsync(c, stream, StatusCode.InvalidArgument, "a first frame carrying a response").ConfigureAwait(false);
        return "A response as first frame ended the stream with InvalidArgument.";
    }

    private static async Task<string> ContextTokenAsync(CaseContext c)
    {
        var token = c.Options.ContextToken ?? throw new CaseOutcomeException(ConformanceOutcome.NotApplicable, "ContextToken is not set.");
        var invoker = c.Invoker();
        var wrong = c.Open(invoker, "wrong-context stream");
        await wrong.SubscribeAsync(c.ResourceUrl, "not-" + token).ConfigureAwait(false);
        await ExpectEndAsync(c, wrong, StatusCode.PermissionDenied, "a wrong context").ConfigureAwait(false);
        var right = c.Open(invoker, "right-context stream");
        await right.SubscribeAsync(c.ResourceUrl, token).ConfigureAwait(false);
        if (await right.EndedAsync(c.Timing.QuietPeriod).ConfigureAwait(false) is { } status)
        {
            throw Fail($"The stream with the configured context ended with {status.StatusCode}: {status.Detail}.");
        }

        return "A wrong context got PermissionDenied; the right one stayed open.";
    }

    private static async Task<string> FramesCarryIdAndContextAsync(CaseContext c)
    {
        var name = c.NewName();
        var stream = await c.SubscribeAsync().ConfigureAwait(false);
        await SettleAsync(c, stream).ConfigureAwait(false);
        await c.CreateAsync(name).ConfigureAwait(false);
        var upsert = (await stream.CollectAsync(1, c.Timing.DeliveryBound, ack: true).ConfigureAwait(false)).SingleOrDefault() ?? throw Fail("No UPSERT arrived.");
        await c.DeleteAsync(name).ConfigureAwait(false);
        var delete = (await stream.CollectAsync(1, c.Timing.DeliveryBound, ack: true).ConfigureAwait(false)).SingleOrDefault() ?? throw Fail("No DELETE arrived.");
        foreach (var frame in new[] { upsert, delete })
        {
            if (frame.ResourceId.Length == 0)
            {
                throw Fail($"{frame} carries no resource_id.");
            }

            if (!string.Equals(frame.Context, c.StreamContext, StringComparison.Ordinal))
            {
                throw Fail($"{frame} carries context '{frame.Context}'; the subscription's was '{c.StreamContext}'.");
            }
        }

        if (!string.Equals(upsert.ResourceId, delete.ResourceId, StringComparison.Ordinal))
        {
            throw Fail($"The UPSERT and DELETE of one service carry resource_id '{upsert.ResourceId}' and '{delete.ResourceId}'.");
        }

        if ((c.Capabilities & ConformanceCapabilities.SymmetricV1Alpha2) == 0)
        {
            return "UPSERT and DELETE carried resource_id and the context (symmetric mode not claimed, not checked).";
        }

        var published = KitServices.Service(c.NewName("published"));
        await stream.SendV2ResponseAsync(new V2.StreamResponse
        {
            Nonce = "kit-symmetric-1",
            ResourceUrl = c.ResourceUrl,
            ResourceId = published.Name,
            Resource = KitServices.Pack(published, c.ResourceVersion),
            Operation = V2.StreamResponse.Types.Operation.Upsert,
            Context = c.StreamContext,
        }).ConfigureAwait(false);
        var deadline = c.Elapsed + c.Timing.DeliveryBound;
        while (c.Elapsed < deadline && !stream.OwnerAnswers.Any(a => string.Equals(a, "kit-symmetric-1", StringComparison.Ordinal)))
        {
            if (stream.EndStatus is { } ended)
            {
                throw Fail($"Publishing on the stream (symmetric mode) ended it with {ended.StatusCode}: {ended.Detail}.");
            }

            await stream.WaitForOwnerRequestAsync(deadline - c.Elapsed).ConfigureAwait(false);
        }

        return stream.OwnerAnswers.Contains("kit-symmetric-1")
            ? "Frames carried resource_id and context; the owner answered the kit's published frame by its nonce."
            : throw Fail("In symmetric mode the owner never answered the kit's published frame 'kit-symmetric-1'.");
    }

    private static async Task<string> SnapshotCountHeaderAsync(CaseContext c)
    {
        var empty = await c.SubscribeAsync(label: "empty-owner stream").ConfigureAwait(false);
        await ExpectCountAsync(c, empty, 0).ConfigureAwait(false);
        await c.CreateManyAsync(2).ConfigureAwait(false);
        var full = await c.SubscribeAsync(label: "two-service stream").ConfigureAwait(false);
        await ExpectCountAsync(c, full, 2).ConfigureAwait(false);
        return "The header announced 0 and 2 before any response.";
    }

    private static async Task ExpectCountAsync(CaseContext c, KitClientStream stream, int expected)
    {
        var headers = await stream.HeadersAsync(c.Timing.DeliveryBound).ConfigureAwait(false)
            ?? throw Fail($"{stream.Label}: no response headers within {Seconds(c.Timing.DeliveryBound)}.");
        var value = headers.GetValue(MeshInteropHeaders.SnapshotCount);
        c.Note($"{stream.Label} ← headers {MeshInteropHeaders.SnapshotCount}={value ?? "(absent)"}");
        if (!string.Equals(value, expected.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal))
        {
            throw Fail($"{stream.Label}: {MeshInteropHeaders.SnapshotCount} is '{value ?? "absent"}', expected {expected}.");
        }
    }

    private static async Task<string> WindowAsync(CaseContext c)
    {
        await c.CreateManyAsync(6).ConfigureAwait(false);
        var stream = await c.SubscribeAsync(headers: new Metadata { { MeshInteropHeaders.Window, "4" } }).ConfigureAwait(false);
        var window = await stream.CollectAsync(4, c.Timing.DeliveryBound, ack: false).ConfigureAwait(false);
        if (window.Count < 4)
        {
            throw Fail($"With window 4 and six services, only {window.Count} responses arrived unanswered within {Seconds(c.Timing.DeliveryBound)}; expected exactly 4.");
        }

        if (await stream.NextAsync(c.Timing.QuietPeriod).ConfigureAwait(false) is { } fifth)
        {
            throw Fail($"A fifth response {fifth} arrived with four unanswered; the window is 4.");
        }

        await stream.AckAsync(window[0].Nonce).ConfigureAwait(false);
        _ = await stream.NextAsync(c.Timing.DeliveryBound).ConfigureAwait(false) ?? throw Fail("One ACK did not release one more response.");
        if (await stream.NextAsync(c.Timing.QuietPeriod).ConfigureAwait(false) is { } extra)
        {
            throw Fail($"One ACK released more than one response ({extra}).");
        }

        return "Exactly four responses in flight; one ACK released exactly one more.";
    }

    private static async Task ExpectEndAsync(CaseContext c, KitClientStream stream, StatusCode expected, string after)
    {
        var status = await stream.EndedAsync(c.Timing.DeliveryBound).ConfigureAwait(false)
            ?? throw Fail($"After {after} the stream is still open {Seconds(c.Timing.DeliveryBound)} later; expected it to end with {expected}.");
        if (status.StatusCode != expected)
        {
            throw Fail($"After {after} the stream ended with {status.StatusCode} ('{status.Detail}'); expected {expected}.");
        }
    }

    internal static ByteString Garbage { get; } = ByteString.CopyFrom(0xff, 0xff, 0xff, 0x0f);
}
