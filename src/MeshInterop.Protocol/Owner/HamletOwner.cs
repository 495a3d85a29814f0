using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Validation;
using MeshInterop.Protocol.Consumer;
using MeshInterop.Protocol.Internal;
using MeshInterop.Protocol.Mapping;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshInterop.Protocol.Owner;

/// <summary>
/// Serves a catalog partition to authorised peers over both Hamlet envelopes. Host it with
/// <see cref="HamletOwnerV1Alpha1Service"/> and <see cref="HamletOwnerV1Alpha2Service"/> in any gRPC server.
/// Each stream is authorised by <see cref="IHamletPeerAuthorizer"/>, sees only what the peer's export
/// filter selects, and follows the owner rules of the protocol reference.
/// </summary>
public sealed partial class HamletOwner : IDisposable
{
    private readonly CatalogPartition _catalog;
    private readonly IHamletPeerAuthorizer _authorizer;
    private readonly int _maxStreamsPerPeer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _streamsPerPeer = new(StringComparer.Ordinal);
    private readonly ProtocolMetrics? _metrics;

    /// <summary>Initializes a new instance of the <see cref="HamletOwner"/> class.</summary>
    /// <param name="catalog">The catalog partition to export (normally the local catalog).</param>
    /// <param name="authorizer">Decides who may subscribe and what each peer sees.</param>
    /// <param name="options">Protocol settings; validated here.</param>
    /// <param name="timeProvider">The clock for ACK timeouts.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the <see cref="ProtocolTelemetry.Name"/> meter; <see langword="null"/> records no metrics.</param>
    /// <exception cref="ValidationException"><paramref name="options"/> break a rule; the message names it.</exception>
    public HamletOwner(CatalogPartition catalog, IHamletPeerAuthorizer authorizer, HamletOwnerOptions options, TimeProvider timeProvider, ILogger<HamletOwner>? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(authorizer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        if (options.V1Alpha1EnvelopeResources.Count == 0 && options.V1Alpha2EnvelopeResources.Count == 0)
        {
            throw new ValidationException("The owner serves no resource version on either envelope.");
        }

        _catalog = catalog;
        _authorizer = authorizer;
        _maxStreamsPerPeer = options.MaxStreamsPerPeer;

        // Resolved once, as validated: later changes to the options object do not reach running streams.
        V1Alpha1Settings = SessionSettings(options, options.V1Alpha1EnvelopeResources);
        V1Alpha2Settings = SessionSettings(options, options.V1Alpha2EnvelopeResources);
        _time = timeProvider;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _metrics = meterFactory is null ? null : new ProtocolMetrics(meterFactory);
    }

    /// <summary>
    /// Gets where what peers publish on v1alpha2 streams goes (symmetric mode, opt-in). When set, on each v1alpha2
    /// stream the owner subscribes back to its peer, echoing the stream's <c>context</c>, and applies the peer's UPSERT
    /// and DELETE frames through this handler under the authorised peer name, answering each only after the handler
    /// completed. The peer is authenticated by mTLS and <see cref="IHamletPeerAuthorizer"/> as on any stream, and
    /// <see cref="HamletOwnerOptions.ContextToken"/>, when set, is checked as well, never instead.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: published frames end the stream with <c>InvalidArgument</c>.</value>
    public IHamletImportHandler? SymmetricImports { get; init; }

    /// <summary>Raised when a peer NACKs a response: the stream stays open and the content is not resent until it changes.</summary>
    public event EventHandler<HamletNackEventArgs>? Nacked;

    internal OwnerSessionSettings V1Alpha1Settings { get; }

    internal OwnerSessionSettings V1Alpha2Settings { get; }

    /// <summary>Gets how many streams are open.</summary>
    public int StreamCount
    {
        get
        {
            lock (_gate)
            {
                return _streamsPerPeer.Values.Sum();
            }
        }
    }

    /// <summary>Ends every open stream with <c>Unavailable</c>, which peers retry, and refuses new ones the same way.</summary>
    public void BeginShutdown() => _stopping.Cancel();

    /// <inheritdoc />
    public void Dispose() => _stopping.Dispose();

    internal Task ServeAsync<TRequest, TResponse>(IOwnerEnvelope<TRequest, TResponse> envelope, OwnerSessionSettings settings, IAsyncStreamReader<TRequest> requests, IServerStreamWriter<TResponse> responses, ServerCallContext context)
    {
        if (_stopping.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "The owner is shutting down; reconnect later."));
        }

        if (settings.ServedVersions.Count == 0)
        {
            throw new RpcException(new Status(StatusCode.Unimplemented, $"This owner does not serve the {envelope.Name} envelope."));
        }

        var decision = _authorizer.Authorize(context);
        if (!decision.IsAllowed)
        {
            Log.StreamRefused(_logger, context.Peer, decision.DenialCode.ToString(), decision.Reason ?? string.Empty);
            throw new RpcException(new Status(decision.DenialCode, decision.Reason ?? "The caller is not authorised to subscribe."));
        }

        return ServeAuthorizedAsync(envelope, settings, decision.PeerName!, new CatalogOwnerFeed(_catalog, decision.Exports!), requests, responses, context);
    }

    private async Task ServeAuthorizedAsync<TRequest, TResponse>(IOwnerEnvelope<TRequest, TResponse> envelope, OwnerSessionSettings settings, string peer, CatalogOwnerFeed feed, IAsyncStreamReader<TRequest> requests, IServerStreamWriter<TResponse> responses, ServerCallContext context)
    {
        lock (_gate)
        {
            var open = _streamsPerPeer.GetValueOrDefault(peer);
            if (open >= _maxStreamsPerPeer)
            {
                throw new RpcException(new Status(StatusCode.ResourceExhausted, $"Peer '{peer}' already holds {open} streams, the most this owner allows."));
            }

            _streamsPerPeer[peer] = open + 1;
        }

        Log.StreamOpened(_logger, peer, envelope.Name);
        _metrics?.StreamOpened(peer, envelope.Name);
        using var activity = ProtocolTelemetry.Source.StartActivity("MeshInterop.Protocol.ServeStream", System.Diagnostics.ActivityKind.Server);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(ProtocolTelemetry.PeerTag, peer);
            activity.SetTag(ProtocolTelemetry.EnvelopeTag, envelope.Name);
        }

        try
        {
            var symmetric = SymmetricImports is not null && envelope is V1Alpha2OwnerEnvelope
                ? new SymmetricImport(SymmetricImports, peer, new PublicationObserver(this, peer))
                : null;
            var session = new OwnerStreamSession<TRequest, TResponse, CatalogEntry>(envelope, feed, Pack, settings, new Observer(this, peer), _time, symmetric);
            await session.RunAsync(requests, responses, context, _stopping.Token).ConfigureAwait(false);
        }
        catch (RpcException ex)
        {
            Log.StreamEnded(_logger, peer, envelope.Name, ex.StatusCode.ToString(), ex.Status.Detail);
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Status.Detail);
            activity?.SetTag(ProtocolTelemetry.StatusCodeTag, ex.StatusCode.ToString());
            throw;
        }
        finally
        {
            _metrics?.StreamClosed(peer, envelope.Name);
            lock (_gate)
            {
                if (--_streamsPerPeer[peer] == 0)
                {
                    _streamsPerPeer.Remove(peer);
                }
            }
        }
    }

    private static OwnerSessionSettings SessionSettings(HamletOwnerOptions options, IEnumerable<HamletResourceVersion> served) => new()
    {
        AckTimeout = options.AckTimeout,
        MaxWindow = options.MaxWindow,
        ServedVersions = new HashSet<HamletResourceVersion>(served),
        ContextToken = options.ContextToken,
    };

    internal static Any Pack(CatalogEntry entry, HamletResourceVersion version) => version == HamletResourceVersion.V1Alpha1
        ? Any.Pack(V1Alpha1Mapper.ToWire(entry))
        : Any.Pack(V1Alpha2Mapper.ToWire(entry));

    private sealed class Observer(HamletOwner owner, string peer) : IOwnerSessionObserver
    {
        public void ResponseSent(string resourceKey, OwnerOperation operation) => owner._metrics?.ResponseSent(peer, operation);

        public void Acknowledged(string resourceKey, TimeSpan latency) => owner._metrics?.Acknowledged(peer, latency);

        public void Rejected(string resourceKey, int code, string message)
        {
            owner._metrics?.NackReceived(peer, code);
            Log.Nacked(owner._logger, peer, resourceKey, code, message);
            owner.Nacked?.Invoke(owner, new HamletNackEventArgs(peer, resourceKey, code, message));
        }

        public void UnknownNonce(string nonce)
        {
            owner._metrics?.UnknownNonce(peer);
            Log.UnknownNonce(owner._logger, peer, nonce);
        }

        public void DuplicateSubscribe() => Log.DuplicateSubscribe(owner._logger, peer);
    }

    /// <summary>Reports what the owner did with a peer's publications on a symmetric stream.</summary>
    private sealed class PublicationObserver(HamletOwner owner, string peer) : IConsumerSessionObserver
    {
        public void Subscribed(long? announcedSnapshotCount)
        {
        }

        public void Applied(ServiceKey key, ConsumerOperation operation) => owner._metrics?.ChangeApplied(peer, operation);

        public void Rejected(ServiceKey key, StatusCode code, string reason)
        {
            owner._metrics?.NackSent(peer, code);
            Log.PublicationRejected(owner._logger, peer, key.Name, code.ToString(), reason);
        }

        public void SnapshotComplete()
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(6107, LogLevel.Warning, "Rejected '{ResourceKey}' published by peer '{PeerName}' with {Code}: {Reason}.", EventName = nameof(PublicationRejected))]
        public static partial void PublicationRejected(ILogger logger, string peerName, string resourceKey, string code, string reason);

        [LoggerMessage(6101, LogLevel.Information, "Peer '{PeerName}' subscribed over Hamlet {Envelope}.", EventName = nameof(StreamOpened))]
        public static partial void StreamOpened(ILogger logger, string peerName, string envelope);

        [LoggerMessage(6102, LogLevel.Warning, "Refused a stream from '{Caller}' with {Code}: {Reason}.", EventName = nameof(StreamRefused))]
        public static partial void StreamRefused(ILogger logger, string caller, string code, string reason);

        [LoggerMessage(6103, LogLevel.Warning, "Peer '{PeerName}' NACKed '{ResourceKey}' with code {Code}: {Reason}.", EventName = nameof(Nacked))]
        public static partial void Nacked(ILogger logger, string peerName, string resourceKey, int code, string reason);

        [LoggerMessage(6104, LogLevel.Debug, "Peer '{PeerName}' answered unknown nonce '{Nonce}'; ignored.", EventName = nameof(UnknownNonce))]
        public static partial void UnknownNonce(ILogger logger, string peerName, string nonce);

        [LoggerMessage(6105, LogLevel.Debug, "Peer '{PeerName}' repeated its subscription on an open stream; ignored.", EventName = nameof(DuplicateSubscribe))]
        public static partial void DuplicateSubscribe(ILogger logger, string peerName);

        [LoggerMessage(6106, LogLevel.Information, "The Hamlet {Envelope} stream of peer '{PeerName}' ended with {Code}: {Detail}.", EventName = nameof(StreamEnded))]
        public static partial void StreamEnded(ILogger logger, string peerName, string envelope, string code, string detail);
    }
}
