using System.Collections.Frozen;
using System.Collections.Immutable;
using MeshInterop.Catalog.Validation;
using MeshInterop.Protocol;
using static MeshInterop.Conformance.ConformanceCapabilities;
using static MeshInterop.Conformance.ConformanceLevel;

namespace MeshInterop.Conformance;

/// <summary>
/// The catalogue of every conformance case: the 53 Hamlet cases and the five MeshInterop extension cases of the protocol
/// reference (section 6), in reference order. In the method texts, T is <see cref="ConformanceTimingOptions.DeliveryBound"/>
/// and Q is <see cref="ConformanceTimingOptions.QuietPeriod"/>.
/// </summary>
public static class ConformanceCases
{
    private const string Transport = "Transport and authentication";
    private const string Subscription = "Subscription and snapshot";
    private const string Ack = "ACK/NACK and flow control";
    private const string Updates = "Incremental updates";
    private const string Lifecycle = "Reconnect and lifecycle";
    private const string Model = "Data-model validation (v1alpha2)";
    private const string Versioning = "Versioning and v1alpha2";
    private const string Interop = "Interop";
    private const string Extensions = "MeshInterop extensions";

    private static readonly ImmutableArray<ConformanceRole> OwnerRole = [ConformanceRole.Owner];
    private static readonly ImmutableArray<ConformanceRole> ConsumerRole = [ConformanceRole.Consumer];
    private static readonly ImmutableArray<ConformanceRole> BothRoles = [ConformanceRole.Owner, ConformanceRole.Consumer];
    private static readonly ImmutableArray<HamletEnvelope> BothEnvelopes = [HamletEnvelope.V1Alpha1, HamletEnvelope.V1Alpha2];
    private static readonly ImmutableArray<HamletEnvelope> V2Envelope = [HamletEnvelope.V1Alpha2];
    private static readonly ImmutableArray<HamletResourceVersion> AnyResource = [];
    private static readonly ImmutableArray<HamletResourceVersion> V2Resource = [HamletResourceVersion.V1Alpha2];

    private const string DotNetOnly = "A check of the .NET API (events, handlers, registry projection) that no wire observation can make; MeshInterop's own functional tests run it in process under the same ID. The wire kit reports it not applicable.";

    /// <summary>Gets every case, in the order of the reference table.</summary>
    public static ImmutableArray<ConformanceCase> All { get; } =
    [
        Case("1", "transport_client_without_cert_rejected", Required, Transport, "A client without a certificate fails the TLS handshake; the owner sees no stream", "R11, R12; 5.3 TLS", OwnerRole, None,
            "The kit dials over TLS without a client certificate and subscribes. Passes when the call fails at the transport (no response headers, no gRPC status from the owner)."),
        Case("2", "transport_client_cert_untrusted_ca_rejected", Required, Transport, "A client certificate not chaining to the peer's configured CA is rejected at the handshake", "R12, G15; 5.3 TLS", OwnerRole, None,
            "The kit mints a throw-away CA and an SVID with its own SPIFFE ID under it, dials with it and subscribes. Passes when the call fails at the transport."),
        Case("3", "transport_server_cert_verified_by_default", Required, Transport, "With default settings the client refuses a server whose certificate fails chain or name/SAN verification", "R12, G16; 5.3 TLS", ConsumerRole, ConsumerControl,
            "The kit serves with an SVID from a throw-away CA and starts the target against it. Passes when the target connects (a TLS handshake is seen) but opens no stream within Q."),
        Case("4", "transport_plaintext_rejected_by_default", Required, Transport, "A plaintext (h2c) connection to a default-configured server fails", "R11, R12; 4 #13", OwnerRole, None,
            "The kit dials the target's address over plaintext HTTP/2 and subscribes. Passes when the call fails without a response."),
        Case("5", "transport_spiffe_trust_domain_pinned", Optional, Transport, "With SPIFFE pinning on, a peer whose URI SAN is in another trust domain is rejected", "G15; 5.3 TLS", BothRoles, TrustDomainPinning,
            "Owner role: the kit dials with the foreign-trust-domain certificate; the call must fail before any response. Consumer role: the kit serves with it; the target must open no stream within Q."),
        Case("6", "transport_unauthenticated_not_retried", Required, Transport, "After Unauthenticated the client makes no new attempt within 10× the base backoff", "R13, G14; 3.1", ConsumerRole, ConsumerControl,
            "The kit ends the target's first stream with Unauthenticated. Passes when no new stream and no new connection arrives within NoRetryWindow (default 10 s, ten times the 1 s base backoff)."),
        Case("7", "transport_unavailable_retried_with_backoff", Required, Transport, "After Unavailable (or a down server) the first retry comes ≥ 1 s later, and later delays grow exponentially to the cap", "R14; 3.1, 5.3", ConsumerRole, ConsumerControl,
            "The kit ends three streams in a row with Unavailable. Passes when the first retry comes at least MinimumFirstRetry (1 s, minus 50 ms of scheduling slack) later and the second gap is longer than the first. The cap is not observed (it would take minutes)."),
        Case("8", "transport_invalid_argument_not_retried", Required, Transport, "InvalidArgument on the initial request is surfaced and not retried", "R15, G14; 3.1", ConsumerRole, ConsumerControl,
            "The kit ends the target's first stream with InvalidArgument. Passes when no new stream arrives within NoRetryWindow."),

        Case("9", "snapshot_delivers_all_resources", Required, Subscription, "An owner with N services sends exactly N CREATEs, each with resource.type_url = resource_url", "R4, G7; 2.8", OwnerRole, Mutation,
            "The hook creates three services on the (otherwise empty) target; the kit subscribes and ACKs. Passes when exactly three CREATE (v1alpha2: UPSERT) frames arrive within T, one per service, each typed as subscribed, and nothing more within Q."),
        Case("10", "snapshot_empty_keeps_stream_open", Required, Subscription, "An empty owner sends no response, and the stream stays open with no status for ≥ T", "R4, G9", OwnerRole, None,
            "The kit subscribes to the empty target. Passes when no response and no status arrive within Q."),
        Case("11", "snapshot_invalid_resource_url_rejected", Required, Subscription, "An empty or unknown resource_url in the initial request ends the stream with InvalidArgument", "R15, G10; 2.7", OwnerRole, None,
            "Two streams: one subscribes with an empty resource_url, one with an unknown type URL. Passes when both end with InvalidArgument within T."),
        Case("12", "snapshot_resource_url_change_rejected", Required, Subscription, "A later request with a different resource_url ends the stream with InvalidArgument", "G10", OwnerRole, None,
            "The kit subscribes, then sends a request for the other resource type. Passes when the stream ends with InvalidArgument within T."),
        Case("13", "snapshot_nonces_unique_non_empty", Required, Subscription, "Every response has a non-empty nonce, and no two on a stream are equal", "G2; 2.3", OwnerRole, Mutation,
            "Three snapshot services plus an update and a delete after subscription. Passes when all five responses carry distinct non-empty nonces."),

        Case("14", "ack_one_response_in_flight", Required, Ack, "With no window header, response k+1 is not sent before the answer to response k", "R3", OwnerRole, Mutation,
            "Two snapshot services; the kit holds its answer to the first response. Passes when no second response arrives within Q."),
        Case("15", "ack_releases_next_response", Required, Ack, "An ACK for nonce k (code 0) releases response k+1 within T", "R3, G2", OwnerRole, Mutation,
            "As case 14, then the kit ACKs. Passes when the second response arrives within T."),
        Case("16", "ack_nack_keeps_stream_open", Required, Ack, "A NACK (code ≠ 0, message set) leaves the stream open, raises a NACK event or metric, and the same content is not resent spontaneously", "G4, G5", OwnerRole, Mutation,
            "Two snapshot services; the kit NACKs the first with InvalidArgument. Passes when the second still arrives within T, the stream stays open, and the NACKed content is not sent again within Q. The NACK event or metric is the target's own; the kit cannot see it."),
        Case("17", "ack_unknown_nonce_ignored", Required, Ack, "An ACK with an unknown nonce is counted and ignored; the stream stays open", "G2", OwnerRole, Mutation,
            "Two snapshot services; the kit answers the first response with an ACK for a nonce never sent. Passes when the stream stays open and no second response is released within Q, and the real ACK then releases it within T."),
        Case("18", "ack_timeout_ends_stream", Required, Ack, "Without an answer within AckTimeout the owner ends the stream with a non-OK status", "G12", OwnerRole, Mutation,
            "One snapshot service, never answered. Passes when the stream ends with a non-OK status within TargetAckTimeout + T (and not before Q)."),
        Case("19", "ack_after_handler_completes", Required, Ack, "A handler delay of D delays the ACK by ≥ D", "R6", ConsumerRole, ConsumerControl,
            "Wire form: the consumer ACKs only once the change is applied. At every ACK the kit lists the target's imports through the hook; the acknowledged change must already be visible."),
        Case("20", "ack_handler_failure_nacks", Required, Ack, "A handler exception yields a NACK with a non-OK code and the exception message; the local catalog is unchanged", "R6, G5", ConsumerRole, InProcessDotNet, DotNetOnly),
        Case("21", "ack_type_mismatch_nacks_invalid_argument", Required, Ack, "An Any whose type differs from the subscription, or that does not decode, is NACKed with InvalidArgument", "R6, R15, G5; 2.8", ConsumerRole, ConsumerControl,
            "The kit sends a resource typed as the other version, and one whose bytes do not decode. Passes when each is NACKed with InvalidArgument and a message, and neither appears in the imports."),

        Case("22", "update_create_fanout", Required, Updates, "A Publish(Create) after subscription reaches every subscriber as CREATE within T", "R7, G7", OwnerRole, Mutation,
            "Two subscribed streams on the empty target; the hook creates a service. Passes when both streams receive it as CREATE (v1alpha2: UPSERT) within T."),
        Case("23", "update_carries_full_object", Required, Updates, "An UPDATE contains every field, unchanged ones with their current values", "R5, R19", OwnerRole, Mutation,
            "The hook creates a service with every field set, then updates its description. Passes when the UPDATE (v1alpha2: UPSERT) carries the new description and every other field unchanged."),
        Case("24", "update_delete_removes_entry", Required, Updates, "DELETE removes the entry (keyed per G1) from the consumer catalog", "R7, G1, G8", BothRoles, None,
            "Owner role (needs the mutation hook): the hook deletes a service; a DELETE naming it must arrive within T. Consumer role (needs consumer control): the kit sends DELETE; the entry must be gone from the imports when it is ACKed."),
        Case("25", "update_duplicate_create_upserts", Required, Updates, "A second CREATE for an existing key leaves one entry with the newest content", "R2, G7", ConsumerRole, ConsumerControl,
            "The kit sends CREATE twice for one key with different content. Passes when both are ACKed and the imports hold one entry with the second content."),
        Case("26", "update_delete_unknown_key_acked", Required, Updates, "DELETE of an unknown key is ACKed OK", "R2, G8", ConsumerRole, ConsumerControl,
            "The kit sends DELETE for a key it never sent. Passes when it is ACKed with code 0 and the stream stays open."),
        Case("27", "update_identical_update_no_event", Required, Updates, "An identical UPDATE is ACKed OK and raises no change event", "R2", ConsumerRole, ConsumerControl,
            "The kit sends the same UPDATE twice. Passes when both are ACKed with code 0 and the imported entry is unchanged. The change event is the target's own; the kit cannot see it."),
        Case("28", "update_per_key_order_preserved", Required, Updates, "Create, update, delete of one key are applied in publish order; the final state is absent", "R3, R7", BothRoles, None,
            "Owner role (mutation hook): create, update and delete of one key right after subscription; the frames seen for it must replay in order to absent. Consumer role (consumer control): the kit sends the three; the key must be absent from the imports."),
        Case("29", "update_stalled_subscriber_isolated", Required, Updates, "With two subscribers, one never ACKing, the other still gets every event within T", "G13", OwnerRole, Mutation,
            "Two streams; one never answers. The hook creates three services. Passes when the answering stream receives all three within T."),
        Case("30", "update_overflow_converges", Required, Updates, "Flooding a stalled subscriber loses no latest state; after it resumes it converges to the owner's catalog", "G13", OwnerRole, Mutation,
            "A stream stalls on its first response while the hook makes 12 changes to 4 services. Once the kit answers again, the replayed frames must converge to the hook's final state within T."),
        Case("31", "update_concurrent_subscribe_consistent", Required, Updates, "Publishing during a new subscription leaves the subscriber's catalog equal to the owner's (nothing lost or duplicated)", "R4, G13", OwnerRole, Mutation,
            "The hook creates services while the kit subscribes. Passes when the stream's replayed state equals the final set within T, with no duplicate CREATE of a key the stream already holds."),

        Case("32", "lifecycle_reconnect_after_owner_restart", Required, Lifecycle, "After an owner restart the consumer reconnects by itself and receives the full snapshot again", "R8, R14", ConsumerRole, ConsumerControl,
            "The kit serves two services, stops its server and starts it again on the same port. Passes when the target subscribes again within RestartBound and ACKs the full snapshot."),
        Case("33", "lifecycle_orphan_swept_after_grace", Required, Lifecycle, "An entry deleted on the owner during a disconnect is gone from the consumer after the grace period", "G6", ConsumerRole, ConsumerControl,
            "The kit serves A and B, disconnects, then serves only A without the snapshot-count header. Passes when B is gone from the imports within TargetGracePeriod + T after the resubscription."),
        Case("34", "lifecycle_disconnected_ttl_honoured", Required, Lifecycle, "While disconnected, imports remain until DisconnectedTtl; with TTL 0 or null they remain indefinitely", "R9, G26", ConsumerRole, ConsumerControl,
            "Wire form, for the default TTL (keep): the kit serves a service, then stops its server. Passes when the import is still listed after Q. Expiry after a finite TTL is checked in process."),
        Case("35", "lifecycle_stop_purge_removes_imports", Required, Lifecycle, "StopAsync(purge: true) removes every entry imported from that owner", "R10, G25", ConsumerRole, ConsumerControl,
            "Wire form: the kit serves two services, then the hook stops the consumer on purpose. Passes when the imports are empty afterwards."),
        Case("36", "lifecycle_cancel_releases_subscription", Required, Lifecycle, "After a consumer cancels, the owner's subscriber count returns to its previous value", "G25", OwnerRole, None,
            "Wire form: the kit opens and cancels 20 streams one after another. Passes when every one subscribes (none is refused for leaked streams, allowing T for release)."),
        Case("37", "lifecycle_idle_stream_survives_keepalive", Required, Lifecycle, "An idle stream stays up ≥ 5 min against the SDK server and against a server enforcing a 40 s minimum ping interval; no too_many_pings GOAWAY", "4 (keepalive), 5.3", BothRoles, None,
            "Owner role: an idle stream with HTTP/2 pings every KeepAlivePingInterval (default 20 s, as the Go client) must stay open for KeepAliveObservation (default 90 s, past the 80 s at which a striking server kills it). Consumer role (consumer control): the target's idle stream must stay open for KeepAliveObservation, and no two of its HTTP/2 pings with no data in between may come closer than MinimumClientPingInterval (40 s, the Go server's minimum). The reference's 5 min is longer than the default bound."),
        Case("38", "lifecycle_graceful_stop_retryable", Required, Lifecycle, "A graceful owner stop ends streams with Unavailable (which is retried), never Unauthenticated", "G12, 4 #10", OwnerRole, GracefulStop,
            "Run last. The kit subscribes, the hook stops the target gracefully. Passes when the stream ends with Unavailable within T."),

        Case("39", "model_empty_name_or_fqdn_rejected", Required, Model, "Empty name or fqdn is NACKed with InvalidArgument, or refused by Publish on the owner", "R15, G21", ConsumerRole, ConsumerControl, V2Resource,
            "The kit sends one service with an empty name and one with an empty fqdn. Passes when each is NACKed with InvalidArgument and neither is imported."),
        Case("40", "model_protocol_set_enforced", Required, Model, "A protocol outside the eight values (compared ignoring case) is NACKed with InvalidArgument; https is accepted", "R20, G18", ConsumerRole, ConsumerControl, V2Resource,
            "The kit sends an instance with protocol FTP, then one with https. Passes when the first is NACKed with InvalidArgument and the second ACKed and imported."),
        Case("41", "model_port_and_address_validated", Required, Model, "Port 0 or > 65535, or an address that is neither an IP nor a DNS name, is NACKed", "R15, G21, G22", ConsumerRole, ConsumerControl, V2Resource,
            "The kit sends endpoints with port 0, port 70000 and address 'not an address!'. Passes when each is NACKed and none imported."),
        Case("42", "model_endpoint_selector_resolution", Required, Model, "Selector [\"a\"] resolves only to endpoints labelled a; [\"zzz\"] (no match) resolves to all endpoints", "R18, G19; 7.3", ConsumerRole, InProcessDotNet, V2Resource, DotNetOnly),
        Case("43", "model_instance_fqdn_derivation", Required, Model, "Instance i1 of db.mysql.com yields registry names i1.db.mysql.com and db.mysql.com (all instances)", "R17, G20; 7.3", ConsumerRole, InProcessDotNet, V2Resource, DotNetOnly),
        Case("44", "model_rename_is_delete_create", Required, Model, "A changed name under the same resource_id is handled as delete + create (or rejected, if configured); the old name disappears", "R19, G1", ConsumerRole, ConsumerControl, V2Resource,
            "v1alpha2 envelope: the kit upserts resource_id r with name A, then with name B. Passes when A is no longer imported (B imported, or the rename NACKed)."),
        Case("45", "model_cross_owner_fqdn_collision", Required, Model, "Two owners exporting the same fqdn: neither import overwrites the other, a collision event is raised, and with an alias strategy both are reachable", "R16, G27; 7.2", ConsumerRole, InProcessDotNet, V2Resource, DotNetOnly),
        Case("46", "model_v1alpha1_bytes_parse_as_v1alpha2", Required, Model, "v1alpha1 bytes parsed as v1alpha2 keep fields 1–5 and 9 and ignore 6–8 without error; the type URL still decides dispatch", "1.2 #5; 2.8", ConsumerRole, ConsumerControl, V2Resource,
            "The kit sends v1alpha1-encoded bytes under the v1alpha2 type URL. Passes when it is ACKed and imported with its name, fqdn and endpoints."),
        Case("47", "model_san_prefix_normalised", Required, Model, "URI:spiffe://td/ns/x and spiffe://td/ns/x normalise to the same identity", "G17; 7.4", ConsumerRole, ConsumerControl, V2Resource,
            "The kit sends sans [\"URI:spiffe://conformance.test/ns/x\"]. Passes when the import lists the SAN as spiffe://conformance.test/ns/x."),

        Case("48", "version_side_by_side_hosting", Required, Versioning, "One server answers both EstablishStream paths; calling a version that is not hosted returns Unimplemented", "1.1, 1.2 #4", OwnerRole, None,
            "The kit subscribes on the other envelope's path. Passes when that stream either stays open for Q (hosted) or ends with Unimplemented."),
        Case("49", "version_v2_first_frame_must_be_request", Required, Versioning, "A v1alpha2 stream whose first frame is a response ends with InvalidArgument", "2.4", OwnerRole, None, V2Envelope, AnyResource,
            "The kit's first frame carries a response. Passes when the stream ends with InvalidArgument within T."),
        Case("50", "version_v2_context_token_checked", Optional, Versioning, "With a token configured, a wrong context ends the stream with PermissionDenied, not OK", "G24", OwnerRole, ConformanceCapabilities.ContextToken, V2Envelope, AnyResource,
            "The kit subscribes with a wrong context, then with the configured one. Passes when the first ends with PermissionDenied and the second stays open for Q."),
        Case("51", "version_v2_frames_carry_id_and_context", Required, Versioning, "v1alpha2 UPSERT/DELETE frames carry resource_id and the initial context. With symmetric mode on, both peers publish on one stream, and each side's ACKs reference the other side's nonces", "2.4, G23, G24", OwnerRole, Mutation, V2Envelope, AnyResource,
            "The kit subscribes with a context; the hook creates and deletes a service. Passes when both frames carry a non-empty resource_id and the context. With the symmetric capability, the kit also publishes a frame and expects an ACK naming its nonce."),

        Case("52", "interop_sdk_client_vs_reference_server", Optional, Interop, "The SDK client against the Go reference owner (plaintext test mode, and mTLS with SAN certificates) receives CREATE, UPDATE and DELETE and ACKs each; the owner logs three ACKs", "4", ConsumerRole, ReferencePeer,
            "Needs the Go reference owner, which upstream no longer ships; the kit does not emulate it."),
        Case("53", "interop_reference_client_vs_sdk_server", Optional, Interop, "The Go reference client against the SDK owner receives the snapshot and events and ACKs them, unaffected by non-empty nonces and the extension headers", "4", OwnerRole, ReferencePeer,
            "Needs the Go reference client, which upstream no longer ships; the kit does not emulate it."),

        Case("X1", "ext_snapshot_count_header_sent", Required, Extensions, "The owner's response headers carry x-meshinterop-snapshot-count = N before the first response, including N = 0", "5.2", OwnerRole, SnapshotCount | Mutation,
            "The kit subscribes to the empty target, then to one with two services. Passes when the headers say 0 and 2, each before any response."),
        Case("X2", "ext_snapshot_count_exact_sweep", Required, Extensions, "With the header, a stale import is removed right after the N-th response is answered, without waiting for the grace period", "5.2", ConsumerRole, SnapshotCount | ConsumerControl,
            "The kit serves A and B, restarts, serves only A with count 1. Passes when B is gone from the imports within T of the ACK for A."),
        Case("X3", "ext_snapshot_count_absent_uses_grace", Required, Extensions, "Without the header, stale imports remain until the grace period ends", "G6, 5.2", ConsumerRole, SnapshotCount | ConsumerControl,
            "As X2 without the header. Passes when B is still imported Q after the ACK for A (Q must be shorter than the target's grace period)."),
        Case("X4", "ext_window_honoured", Required, Extensions, "With x-meshinterop-window: 4 and a backlog, at most 4 responses are unanswered at any time, and exactly 4 while the backlog lasts", "5.2", OwnerRole, ConformanceCapabilities.Window | Mutation,
            "Six snapshot services, window 4, no answers. Passes when exactly four responses arrive within T and no fifth within Q; one ACK then releases exactly one more."),
        Case("X5", "ext_window_answers_in_order", Required, Extensions, "In window mode the consumer answers every response once, in arrival order, each with its own nonce", "5.2", ConsumerRole, ConformanceCapabilities.Window | ConsumerControl,
            "The kit sends four responses back to back without waiting. Passes when exactly four answers arrive, in order, each naming its response's nonce."),
    ];

    private static readonly FrozenDictionary<string, ConformanceCase> ById = All.ToFrozenDictionary(c => c.Id, StringComparer.Ordinal);

    /// <summary>Finds a case by its stable ID.</summary>
    /// <param name="id">The snake_case ID, compared ordinally.</param>
    /// <param name="conformanceCase">The case, when found.</param>
    /// <returns><see langword="true"/> when a case has that ID.</returns>
    public static bool TryGet(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ConformanceCase? conformanceCase) =>
        ById.TryGetValue(id ?? string.Empty, out conformanceCase);

    private static ConformanceCase Case(string number, string id, ConformanceLevel level, string group, string behaviour, string reference, ImmutableArray<ConformanceRole> roles, ConformanceCapabilities requires, string method) =>
        new(number, id, level, group, behaviour, reference, roles, BothEnvelopes, AnyResource, requires, method);

    private static ConformanceCase Case(string number, string id, ConformanceLevel level, string group, string behaviour, string reference, ImmutableArray<ConformanceRole> roles, ConformanceCapabilities requires, ImmutableArray<HamletResourceVersion> resources, string method) =>
        new(number, id, level, group, behaviour, reference, roles, BothEnvelopes, resources, requires, method);

    private static ConformanceCase Case(string number, string id, ConformanceLevel level, string group, string behaviour, string reference, ImmutableArray<ConformanceRole> roles, ConformanceCapabilities requires, ImmutableArray<HamletEnvelope> envelopes, ImmutableArray<HamletResourceVersion> resources, string method) =>
        new(number, id, level, group, behaviour, reference, roles, envelopes, resources, requires, method);
}
