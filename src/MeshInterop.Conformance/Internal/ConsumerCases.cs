using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MeshInterop.Catalog.Validation;
using MeshInterop.Protocol;
using static MeshInterop.Conformance.Internal.CaseContext;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Conformance.Internal;

/// <summary>
/// The consumer-role cases: the kit serves a scripted owner, the hook starts the target's consumer against it, and the
/// kit judges the answers and, through the hook's listing, what the target imported.
/// </summary>
internal static class ConsumerCases
{
    public static readonly IReadOnlyDictionary<string, Func<CaseContext, Task<string>>> All = new Dictionary<string, Func<CaseContext, Task<string>>>(StringComparer.Ordinal)
    {
        ["transport_server_cert_verified_by_default"] = c => ExpectNoStreamAsync(c, KitDial.UntrustedAuthority, "a server certificate from an untrusted CA"),
        ["transport_spiffe_trust_domain_pinned"] = c => ExpectNoStreamAsync(c, KitDial.ForeignTrustDomain, "a server certificate naming another trust domain"),
        ["transport_unauthenticated_not_retried"] = c => ExpectNoRetryAsync(c, StatusCode.Unauthenticated),
        ["transport_invalid_argument_not_retried"] = c => ExpectNoRetryAsync(c, StatusCode.InvalidArgument),
        ["transport_unavailable_retried_with_backoff"] = BackoffAsync,
        ["ack_after_handler_completes"] = AckAfterApplyAsync,
        ["ack_type_mismatch_nacks_invalid_argument"] = TypeMismatchAsync,
        ["update_delete_removes_entry"] = DeleteAsync,
        ["update_duplicate_create_upserts"] = DuplicateCreateAsync,
        ["update_delete_unknown_key_acked"] = DeleteUnknownAsync,
        ["update_identical_update_no_event"] = IdenticalUpdateAsync,
        ["update_per_key_order_preserved"] = PerKeyOrderAsync,
        ["lifecycle_reconnect_after_owner_restart"] = ReconnectAsync,
        ["lifecycle_orphan_swept_after_grace"] = OrphanSweptAsync,
        ["lifecycle_disconnected_ttl_honoured"] = DisconnectedKeepsAsync,
        ["lifecycle_stop_purge_removes_imports"] = StopPurgesAsync,
        ["lifecycle_idle_stream_survives_keepalive"] = IdleStreamAsync,
        ["model_empty_name_or_fqdn_rejected"] = EmptyNameOrFqdnAsync,
        ["model_protocol_set_enforced"] = ProtocolSetAsync,
        ["model_port_and_address_validated"] = PortAndAddressAsync,
        ["model_rename_is_delete_create"] = RenameAsync,
        ["model_v1alpha1_bytes_parse_as_v1alpha2"] = V1BytesAsync,
        ["model_san_prefix_normalised"] = SanPrefixAsync,
        ["ext_snapshot_count_exact_sweep"] = c => SweepAsync(c, announce: true),
        ["ext_snapshot_count_absent_uses_grace"] = c => SweepAsync(c, announce: false),
        ["ext_window_answers_in_order"] = WindowAnswersAsync,
    };

    private static async Task<string> ExpectNoStreamAsync(CaseContext c, KitDial dial, string what)
    {
        if (dial == KitDial.ForeignTrustDomain)
        {
            c.Require(ConformanceCapabilities.TrustDomainPinning, "trust-domain pinning");
            if (c.Options.Tls.ForeignTrustDomainIdentity is null)
            {
                throw new CaseOutcomeException(ConformanceOutcome.NotApplicable, "Tls.ForeignTrustDomainIdentity is not set.");
            }
        }

        var server = await c.StartServerAsync(dial).ConfigureAwait(false);
        await c.StartConsumerAsync(server).ConfigureAwait(false);
        var deadline = c.Elapsed + c.Timing.DeliveryBound;
        while (server.Connections == 0 && c.Elapsed < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), c.Time, c.Cancellation).ConfigureAwait(false);
        }

        if (server.Connections == 0)
        {
            throw new CaseOutcomeException(ConformanceOutcome.Error, $"The target never dialled the kit's owner within {Seconds(c.Timing.DeliveryBound)}, so refusing {what} could not be observed.");
        }

        if (await server.AcceptAsync(c.Timing.QuietPeriod).ConfigureAwait(false) is { } stream)
        {
            throw Fail($"The target accepted {what} and opened {stream.Label}; it must refuse the handshake.");
        }

        return $"The target dialled {server.Connections} time(s) and opened no stream against {what}.";
    }

    private static async Task<string> ExpectNoRetryAsync(CaseContext c, StatusCode code)
    {
        var (server, stream) = await c.ConnectConsumerAsync().ConfigureAwait(false);
        stream.End(code, "Refused on purpose by the conformance kit.");
        if (await server.AcceptAsync(c.Timing.NoRetryWindow).ConfigureAwait(false) is { } retry)
        {
            throw Fail($"After {code} the target opened {retry.Label} {Seconds(c.Time.GetElapsedTime(stream.ArrivedAt))} after the first; it must not retry.");
        }

        return $"No new attempt within {Seconds(c.Timing.NoRetryWindow)} after {code}.";
    }

    private static async Task<string> BackoffAsync(CaseContext c)
    {
        var (server, stream) = await c.ConnectConsumerAsync().ConfigureAwait(false);
        var gaps = new List<TimeSpan>();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            stream.End(StatusCode.Unavailable, "Unavailable on purpose (conformance kit).");
            var endedAt = c.Time.GetTimestamp();
            stream = await server.AcceptAsync(c.Timing.RestartBound).ConfigureAwait(false)
                ?? throw Fail($"After Unavailable the target did not retry within {Seconds(c.Timing.RestartBound)}; it must retry with backoff.");
            gaps.Add(c.Time.GetElapsedTime(endedAt, stream.ArrivedAt));
            c.Note($"retry {attempt + 1} came {Seconds(gaps[^1])} after the end");
        }

        stream.End(StatusCode.Unavailable, "Unavailable on purpose (conformance kit).");
        var slack = TimeSpan.FromMilliseconds(50);
        if (gaps[0] < c.Timing.MinimumFirstRetry - slack)
        {
            throw Fail($"The first retry came {Seconds(gaps[0])} after Unavailable; it must wait at least {Seconds(c.Timing.MinimumFirstRetry)} (R14).");
        }

        if (gaps[1] < gaps[0] * 1.5)
        {
            throw Fail($"The second retry delay ({Seconds(gaps[1])}) is not at least 1.5 times the first ({Seconds(gaps[0])}); delays must grow exponentially.");
        }

        return $"Retry delays {Seconds(gaps[0])} then {Seconds(gaps[1])}.";
    }

    private static V2.FederatedService Service(CaseContext c, int revision = 1) => KitServices.Service(c.NewName(), revision);

    private static async Task ExpectAckAsync(CaseContext c, KitServerStream stream, KitOperation operation, V2.FederatedService service)
    {
        var answer = await c.SendAndAnswerAsync(stream, operation, service).ConfigureAwait(false);
        if (!answer.IsAck)
        {
            throw Fail($"{operation.ToString().ToUpperInvariant()} of the valid service '{service.Name}' was answered with {answer}; expected ACK.");
        }
    }

    private static async Task ExpectNackAsync(CaseContext c, KitServerStream stream, V2.FederatedService service, Any resource, string what, StatusCode? code = StatusCode.InvalidArgument)
    {
        var answer = await c.SendAndAnswerAsync(stream, KitOperation.Create, service, resource).ConfigureAwait(false);
        if (!answer.IsNack || (code is { } expected && answer.Status!.Code != (int)expected) || answer.Status!.Message.Length == 0)
        {
            throw Fail($"{what} was answered with {answer}; expected a NACK{(code is { } e ? " with " + e : string.Empty)} and a message.");
        }
    }

    private static async Task ExpectImportedAsync(CaseContext c, V2.FederatedService service)
    {
        var imports = await c.ImportsAsync().ConfigureAwait(false);
        if (!imports.TryGetValue(service.Name, out var imported))
        {
            throw Fail($"'{service.Name}' was ACKed but is not in the target's imports; the consumer must ACK only after applying (R6).");
        }

        if (!string.Equals(imported.Description, service.Description, StringComparison.Ordinal))
        {
            throw Fail($"'{service.Name}' was ACKed with description '{service.Description}' but the import holds '{imported.Description}'.");
        }
    }

    private static async Task ExpectAbsentAsync(CaseContext c, string name, string why)
    {
        if ((await c.ImportsAsync().ConfigureAwait(false)).ContainsKey(name))
        {
            throw Fail($"'{name}' is in the target's imports although {why}.");
        }
    }

    private static async Task<string> AckAfterApplyAsync(CaseContext c)
    {
        var (_, stream) = await c.ConnectConsumerAsync().ConfigureAwait(false);
        var services = new[] { Service(c), Service(c), Service(c) };
        foreach (var service in services)
        {
            await ExpectAckAsync(c, stream, KitOperation.Create, service).ConfigureAwait(false);
            await ExpectImportedAsync(c, service).ConfigureAwait(false);
        }

        var updated = KitServices.Service(services[0].Name, 2);
        await ExpectAckAsync(c, stream, KitOperation.Update, updated).ConfigureAwait(false);
        await ExpectImportedAsync(c, updated).ConfigureAwait(false);
        return "Every ACKed change was already visible in the imports when its ACK arrived.";
    }

    private static async Task<string> TypeMismatchAsync(CaseContext c)
    {
        var (_, stream) = await c.ConnectConsumerAsync().ConfigureAwait(false);
        var mistyped = Service(c);
        var other = c.ResourceVersion == HamletResourceVersion.V1Alpha1 ? HamletResourceVersion.V1Alpha2 : HamletResourceVersion.V1Alpha1;
        await ExpectNackAsync(c, stream, mistyped, KitServices.Pack(mistyped, other), $"A resource typed '{HamletResourceTypes.TypeUrl(other)}' on a '{c.ResourceUrl}' subscription").ConfigureAwait(false);
        var garbled = Service(c);
        await ExpectNackAsync(c, stream, garbled, new Any { TypeUrl = c.ResourceUrl, Value = OwnerCases.Garbage }, "A resource whose bytes do not decode").ConfigureAwait(false);
        await ExpectAbsentAsync(c, mistyped.Name, "it was NACKed").ConfigureAwait(false);
        await ExpectAbsentAsync(c, garbled.Name, "it was NACKed").ConfigureAwait(false);
        return "Both the mistyped and the undecodable resource were NACKed with InvalidArgument and not imported.";
    }

    private static async Task<string> DeleteAsync(CaseContext c)
    {
        var (_, stream) = await c.ConnectConsumerAsync().ConfigureAwait(false);
        var service = Service(c);
        await ExpectAckAsync(c, stream, KitOperation.Create, service).ConfigureAwait(false);
        await ExpectImportedAsync(c, service).ConfigureAwait(false);
        await ExpectAckAsync(c, stream, KitOperation.Delete, service).ConfigureAwait(false);
        await ExpectAbsentAsync(c, service.Name, "its DELETE was ACKed").ConfigureAwait(false);
        return "The DELETE removed the import before it was ACKed.";
    }

    private static async Task<string> DuplicateCreateAsync(CaseContext c)
    {
        var (_, stream) = await c.ConnectConsumerAsync().ConfigureAwait(false);
        var first = Service(c);
        var second = KitServices.Service(first.Name, 2);
        await ExpectAckAsync(c, stream, KitOperation.Create, first).ConfigureAwait(false);
        await ExpectAckAsync(c, stream, KitOperation.Create, second).ConfigureAwait(false);
        var imports = await c.ImportsAsync().ConfigureAwait(false);
        var matching = imports.Values.Count(s => string.Equals(s.Fqdn, first.Fqdn, StringComparison.Ordinal));
        if (matching != 1)
        {
            throw Fail($"After two CREATEs of one key the imports hold {matching} entries with its FQDN; expected one.");
        }

        await ExpectImportedAsync(c, second).ConfigureAwait(false);
        return "Two CREATEs of one key left one entry with the newer content.";
    }

    private static async Task<string> DeleteUnknownAsync(CaseContext c)
    {
        var (_, stream) = await c.ConnectConsumerAsync().ConfigureAwait(false);
        await ExpectAckAsync(c, stream, KitOperation.Delete, Service(c)).ConfigureAwait(false);
        if (stream.Closed)
        {
            throw Fail("The consumer closed the stream after a DELETE of an unknown key.");
        }

        return "The DELETE of an unknown key was ACKed OK.";
    }

    private static async Task<string> IdenticalUpdateAsync(CaseContext c)
    {
        var (_, stream) = await c.ConnectConsumerAsync().ConfigureAwait(false);
        var service = Service(c);
        await ExpectAckAsync(c, stream, KitOperation.Create, service).ConfigureAwait(false);
        await ExpectAckAsync(c, stream, KitOperation.Update, service).ConfigureAwait(false);
        await ExpectAckAsync(c, stream, KitOperation.Update, service).ConfigureAwait(false);
        await ExpectImportedAsync(c, service).ConfigureAwait(false);
        return "Identical UPDATEs were ACKed OK and left the import unchanged (change events are not visible on the wire).";
    }

    private static async Task<string> PerKeyOrderAsync(CaseContext c)
    {
        var (_, stream) = await c.ConnectConsumerAsync().ConfigureAwait(false);
        var service = Service(c);
        await ExpectAckAsync(c, stream, KitOperation.Create, service).ConfigureAwait(false);
        await ExpectAckAsync(c, stream, KitOperation.Update, KitServices.Service(service.Name, 2)).ConfigureAwait(false);
        await ExpectAckAsync(c, stream, KitOperation.Delete, KitServices.Service(service.Name, 2)).ConfigureAwait(false);
        await ExpectAbsentAsync(c, service.Name, "create, update and delete were applied in that order").ConfigureAwait(false);
        return "Create, update, delete of one key ended absent.";
    }

    private static async Task<string> ReconnectAsync(CaseContext c)
    {
        var (server, stream) = await c.ConnectConsumerAsync(snapshotCount: 2).ConfigureAwait(false);
        var services = new[] { Service(c), Service(c) };
        foreach (var service in services)
        {
            await ExpectAckAsync(c, stream, KitOperation.Create, service).ConfigureAwait(false);
        }

        await server.StopAsync().ConfigureAwait(false);
        await server.RestartAsync().ConfigureAwait(false);
        var again = await c.AcceptSubscriptionAsync(server, 2, c.Timing.RestartBound).ConfigureAwait(false);
        foreach (var service in services)
        {
            await ExpectAckAsync(c, again, KitOperation.Create, service).ConfigureAwait(false);
        }

        return $"The target resubscribed {Seconds(c.Time.GetElapsedTime(stream.ArrivedAt, again.ArrivedAt))} after the first subscription and ACKed the full snapshot.";
    }

    private static async Task<(KitServerStream Stream, V2.FederatedService Kept, V2.FederatedService Dropped)> ResubscribeWithoutOneAsync(CaseContext c, bool announce)
    {
        var (server, stream) = await c.ConnectConsumerAsync(snapshotCount: announce ? 2 : null).ConfigureAwait(false);
        var kept = Service(c);
        var dropped = Service(c);
        await ExpectAckAsync(c, stream, KitOperation.Create, kept).ConfigureAwait(false);
        await ExpectAckAsync(c, stream, KitOperation.Create, dropped).ConfigureAwait(false);
        await server.StopAsync().ConfigureAwait(false);
        await server.RestartAsync().ConfigureAwait(false);
        var again = await c.AcceptSubscriptionAsync(server, announce ? 1 : null, c.Timing.RestartBound).ConfigureAwait(false);
        await ExpectAckAsync(c, again, KitOperation.Create, kept).ConfigureAwait(false);
        return (again, kept, dropped);
    }

    private static async Task<bool> WaitUntilAbsentAsync(CaseContext c, string name, TimeSpan within)
    {
        // Black-box: the only way to see a sweep is to look again, at a bounded pace.
        var deadline = c.Elapsed + within;
        var pace = TimeSpan.FromMilliseconds(Math.Clamp(c.Timing.QuietPeriod.TotalMilliseconds / 4, 50, 1000));
        while (true)
        {
            if (!(await c.ImportsAsync().ConfigureAwait(false)).ContainsKey(name))
            {
                return true;
            }

            if (c.Elapsed >= deadline)
            {
                return false;
            }

            await Task.Delay(pace, c.Time, c.Cancellation).ConfigureAwait(false);
        }
    }

    private static async Task<string> OrphanSweptAsync(CaseContext c)
    {
        var (_, kept, dropped) = await ResubscribeWithoutOneAsync(c, announce: false).ConfigureAwait(false);
        var bound = c.Timing.TargetGracePeriod + c.Timing.DeliveryBound;
        if (!await WaitUntilAbsentAsync(c, dropped.Name, bound).ConfigureAwait(false))
        {
            throw Fail($"'{dropped.Name}', deleted while the consumer was disconnected, is still imported {Seconds(bound)} after the resubscription (grace period {Seconds(c.Timing.TargetGracePeriod)}).");
        }

        await ExpectImportedAsync(c, kept).ConfigureAwait(false);
        return $"The orphan was swept after {Seconds(c.Elapsed)}; the re-asserted service stayed.";
    }

    private static async Task<string> DisconnectedKeepsAsync(CaseContext c)
    {
        var (server, stream) = await c.ConnectConsumerAsync().ConfigureAwait(false);
        var service = Service(c);
        await ExpectAckAsync(c, stream, KitOperation.Create, service).ConfigureAwait(false);
        await server.StopAsync().ConfigureAwait(false);
        await Task.Delay(c.Timing.QuietPeriod, c.Time, c.Cancellation).ConfigureAwait(false);
        await ExpectImportedAsync(c, service).ConfigureAwait(false);
        return $"The import stayed for {Seconds(c.Timing.QuietPeriod)} while the owner was unreachable.";
    }

    private static async Task<string> StopPurgesAsync(CaseContext c)
    {
        var (_, stream) = await c.ConnectConsumerAsync().ConfigureAwait(false);
        var services = new[] { Service(c), Service(c) };
        foreach (var service in services)
        {
            await ExpectAckAsync(c, stream, KitOperation.Create, service).ConfigureAwait(false);
        }

        await c.StopConsumerAsync().ConfigureAwait(false);
        var left = (await c.ImportsAsync().ConfigureAwait(false)).Keys.Where(k => services.Any(s => string.Equals(s.Name, k, StringComparison.Ordinal))).ToList();
        if (left.Count > 0)
        {
            throw Fail($"After an intentional stop the target still imports [{string.Join(", ", left)}]; it must remove everything imported from this owner (R10).");
        }

        return "The intentional stop removed every import from the kit's owner.";
    }

    private static async Task<string> IdleStreamAsync(CaseContext c)
    {
        var (server, stream) = await c.ConnectConsumerAsync().ConfigureAwait(false);
        if (await stream.NextAsync(c.Timing.KeepAliveObservation).ConfigureAwait(false) is { } unexpected)
        {
            throw Fail($"On an idle stream the target sent {unexpected}.");
        }

        if (stream.Closed)
        {
            throw Fail($"The target closed its idle stream within {Seconds(c.Timing.KeepAliveObservation)}.");
        }

        var pings = server.ClientPings;
        c.Note($"client PINGs: {pings.Count}" + (pings.Count > 0 ? " at " + string.Join(", ", pings.Select(p => "+" + Seconds(c.Time.GetElapsedTime(stream.ArrivedAt, p.Timestamp)) + (p.AfterData ? " (after data)" : string.Empty))) + " after the subscription" : string.Empty));
        for (var i = 1; i < pings.Count; i++)
        {
            var gap = c.Time.GetElapsedTime(pings[i - 1].Timestamp, pings[i].Timestamp);
            if (!pings[i].AfterData && gap < c.Timing.MinimumClientPingInterval)
            {
                throw Fail($"The consumer pinged {Seconds(gap)} after its previous ping with no data in between; pings closer than {Seconds(c.Timing.MinimumClientPingInterval)} earn too_many_pings from a Go server.");
            }
        }

        return $"The idle stream stayed open for {Seconds(c.Timing.KeepAliveObservation)}; {pings.Count} client ping(s), none closer than {Seconds(c.Timing.MinimumClientPingInterval)}.";
    }

    private static async Task<string> EmptyNameOrFqdnAsync(CaseContext c)
    {
        var (_, stream) = await c.ConnectConsumerAsync().ConfigureAwait(false);
        var noName = Service(c);
        var noNameId = noName.Name;
        noName.Name = string.Empty;
        var answer = await c.SendAndAnswerAsync(stream, KitOperation.Create, noName, resourceId: noNameId).ConfigureAwait(false);
        if (!answer.IsNack || answer.Status!.Code != (int)StatusCode.InvalidArgument)
        {
            throw Fail($"A service with an empty name was answered with {answer}; expected NACK InvalidArgument.");
        }

        var noFqdn = Service(c);
        noFqdn.Fqdn = string.Empty;
        await ExpectNackAsync(c, stream, noFqdn, KitServices.Pack(noFqdn, c.ResourceVersion), "A service with an empty fqdn").ConfigureAwait(false);
        await ExpectAbsentAsync(c, noNameId, "it was NACKed").ConfigureAwait(false);
        await ExpectAbsentAsync(c, noFqdn.Name, "it was NACKed").ConfigureAwait(false);
        return "Empty name and empty fqdn were NACKed with InvalidArgument.";
    }

    private static async Task<string> ProtocolSetAsync(CaseContext c)
    {
        var (_, stream) = await c.ConnectConsumerAsync().ConfigureAwait(false);
        var ftp = Service(c);
        ftp.Instances[0].Protocol = "FTP";
        await ExpectNackAsync(c, stream, ftp, KitServices.Pack(ftp, c.ResourceVersion), "An instance with protocol FTP").ConfigureAwait(false);
        var https = Service(c);
        https.Instances[0].Protocol = "https";
        await ExpectAckAsync(c, stream, KitOperation.Create, https).ConfigureAwait(false);
        await ExpectImportedAsync(c, https).ConfigureAwait(false);
        await ExpectAbsentAsync(c, ftp.Name, "it was NACKed").ConfigureAwait(false);
        return "FTP was NACKed with InvalidArgument; https was accepted.";
    }

    private static async Task<string> PortAndAddressAsync(CaseContext c)
    {
        var (_, stream) = await c.ConnectConsumerAsync().ConfigureAwait(false);
        var cases = new (string What, Action<V2.FederatedService> Break)[]
        {
            ("port 0", s => s.Endpoints[0].Port = 0),
            ("port 70000", s => s.Endpoints[0].Port = 70000),
            ("address 'not an address!'", s => s.Endpoints[0].Address = "not an address!"),
        };
        foreach (var (what, breakIt) in cases)
        {
            var service = Service(c);
            breakIt(service);
            await ExpectNackAsync(c, stream, service, KitServices.Pack(service, c.ResourceVersion), $"An endpoint with {what}", code: null).ConfigureAwait(false);
            await ExpectAbsentAsync(c, service.Name, "it was NACKed").ConfigureAwait(false);
        }

        return "Port 0, port 70000 and a malformed address were each NACKed.";
    }

    private static async Task<string> RenameAsync(CaseContext c)
    {
        if (c.Envelope != HamletEnvelope.V1Alpha2)
        {
            throw new CaseOutcomeException(ConformanceOutcome.NotApplicable, "A rename under one resource_id needs the v1alpha2 envelope.");
        }

        var (_, stream) = await c.ConnectConsumerAsync().ConfigureAwait(false);
        var original = Service(c);
        var renamed = Service(c);
        var resourceId = original.Name;
        await ExpectAckAsync(c, stream, KitOperation.Upsert, original).ConfigureAwait(false);
        var answer = await c.SendAndAnswerAsync(stream, KitOperation.Upsert, renamed, resourceId: resourceId).ConfigureAwait(false);
        await ExpectAbsentAsync(c, original.Name, $"resource_id '{resourceId}' was renamed ({answer})").ConfigureAwait(false);
        return answer.IsAck ? "The rename replaced the old name." : "The rename was rejected and the old name removed.";
    }

    private static async Task<string> V1BytesAsync(CaseContext c)
    {
        var (_, stream) = await c.ConnectConsumerAsync().ConfigureAwait(false);
        var service = Service(c);
        var resource = new Any { TypeUrl = c.ResourceUrl, Value = KitServices.ToV1(service).ToByteString() };
        var answer = await c.SendAndAnswerAsync(stream, KitOperation.Create, service, resource).ConfigureAwait(false);
        if (!answer.IsAck)
        {
            throw Fail($"v1alpha1 bytes under the v1alpha2 type URL were answered with {answer}; they parse as v1alpha2 and must be accepted.");
        }

        var imported = (await c.ImportsAsync().ConfigureAwait(false)).GetValueOrDefault(service.Name)
            ?? throw Fail($"'{service.Name}' was ACKed but is not imported.");
        if (!string.Equals(imported.Fqdn, service.Fqdn, StringComparison.Ordinal) || imported.Endpoints.Count != 1 || imported.Endpoints[0].Port != service.Endpoints[0].Port)
        {
            throw Fail($"The import of v1alpha1 bytes lost fields 1-5 or 9: {imported}.");
        }

        return "v1alpha1 bytes parsed as v1alpha2 kept name, fqdn and endpoints.";
    }

    private static async Task<string> SanPrefixAsync(CaseContext c)
    {
        var (_, stream) = await c.ConnectConsumerAsync().ConfigureAwait(false);
        var service = Service(c);
        service.Sans.Clear();
        service.Sans.Add("URI:spiffe://conformance.test/ns/x");
        await ExpectAckAsync(c, stream, KitOperation.Create, service).ConfigureAwait(false);
        var imported = (await c.ImportsAsync().ConfigureAwait(false)).GetValueOrDefault(service.Name)
            ?? throw Fail($"'{service.Name}' was ACKed but is not imported.");
        if (imported.Sans.Count != 1 || !string.Equals(imported.Sans[0], "spiffe://conformance.test/ns/x", StringComparison.Ordinal))
        {
            throw Fail($"The import lists SANs [{string.Join(", ", imported.Sans)}]; expected the normalised 'spiffe://conformance.test/ns/x'.");
        }

        return "'URI:spiffe://…' was stored as 'spiffe://…'.";
    }

    private static async Task<string> SweepAsync(CaseContext c, bool announce)
    {
        if (!announce && c.Timing.TargetGracePeriod <= c.Timing.QuietPeriod)
        {
            throw new CaseOutcomeException(ConformanceOutcome.NotApplicable, "The target's grace period is not longer than the quiet period, so keeping stale imports until it ends cannot be observed.");
        }

        var (_, kept, dropped) = await ResubscribeWithoutOneAsync(c, announce).ConfigureAwait(false);
        if (announce)
        {
            if (!await WaitUntilAbsentAsync(c, dropped.Name, c.Timing.DeliveryBound).ConfigureAwait(false))
            {
                throw Fail($"With {MeshInteropHeaders.SnapshotCount}: 1 answered, '{dropped.Name}' is still imported {Seconds(c.Timing.DeliveryBound)} later; the sweep must be exact.");
            }

            await ExpectImportedAsync(c, kept).ConfigureAwait(false);
            return "The stale import was swept right after the announced snapshot was answered.";
        }

        await Task.Delay(c.Timing.QuietPeriod, c.Time, c.Cancellation).ConfigureAwait(false);
        if (!(await c.ImportsAsync().ConfigureAwait(false)).ContainsKey(dropped.Name))
        {
            throw Fail($"Without the header, '{dropped.Name}' was swept within {Seconds(c.Timing.QuietPeriod)}; it must stay until the grace period ({Seconds(c.Timing.TargetGracePeriod)}) ends.");
        }

        return $"Without the header the stale import stayed for {Seconds(c.Timing.QuietPeriod)}.";
    }

    private static async Task<string> WindowAnswersAsync(CaseContext c)
    {
        var (_, stream) = await c.ConnectConsumerAsync().ConfigureAwait(false);
        var nonces = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var service = Service(c);
            nonces.Add(await stream.SendAsync(KitOperation.Create, service.Name, KitServices.Pack(service, c.ResourceVersion)).ConfigureAwait(false));
        }

        for (var i = 0; i < 4; i++)
        {
            var answer = await stream.NextAsync(c.Timing.DeliveryBound).ConfigureAwait(false)
                ?? throw Fail($"Only {i} of 4 back-to-back responses were answered within {Seconds(c.Timing.DeliveryBound)}.");
            if (!string.Equals(answer.Nonce, nonces[i], StringComparison.Ordinal) || !answer.IsAck)
            {
                throw Fail($"Answer {i + 1} is {answer}; expected ACK of '{nonces[i]}' (answers in arrival order, one each).");
            }
        }

        if (await stream.NextAsync(c.Timing.QuietPeriod).ConfigureAwait(false) is { } extra)
        {
            throw Fail($"After four answers the target sent another: {extra}.");
        }

        return "Four back-to-back responses got four answers, in order, each with its own nonce.";
    }
}
