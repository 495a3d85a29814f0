using System.ComponentModel.DataAnnotations;
using System.Diagnostics.Metrics;
using Grpc.Core;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Validation;
using MeshInterop.Protocol.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Protocol.Consumer;

/// <summary>
/// Subscribes to one owner and keeps the subscription alive: dials over the given channel, applies what the
/// owner sends through an <see cref="IHamletImportHandler"/>, reconnects with exponential backoff and
/// jitter after retryable failures, and stops, with the reason in <see cref="Status"/>, after fatal ones
/// (<c>Unauthenticated</c>, <c>PermissionDenied</c>, <c>InvalidArgument</c>, <c>Unimplemented</c>, TLS
/// authentication failures). Every (re)connection replays the owner's snapshot; the handler sweeps what it
/// no longer asserts.
/// </summary>
public sealed partial class HamletConsumer : IAsyncDisposable
{
    private readonly HamletConsumerOptions _options;
    private readonly CallInvoker _invoker;
    private readonly IHamletImportHandler _handler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly ProtocolMetrics? _metrics;
    private CancellationTokenSource? _stopping;
    private Task _loop = Task.CompletedTask;
    private HamletConsumerStatus _status = new(HamletConsumerState.Stopped, null, 0, false);

    /// <summary>Initializes a new instance of the <see cref="HamletConsumer"/> class.</summary>
    /// <param name="options">How to subscribe; validated here.</param>
    /// <param name="invoker">The channel to the owner, normally a <c>GrpcChannel</c> over SPIFFE mTLS.</param>
    /// <param name="handler">Where imports go.</param>
    /// <param name="timeProvider">The clock for backoff and health.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the <see cref="ProtocolTelemetry.Name"/> meter; <see langword="null"/> records no metrics.</param>
    /// <exception cref="ValidationException"><paramref name="options"/> break a rule; the message names it.</exception>
    public HamletConsumer(HamletConsumerOptions options, CallInvoker invoker, IHamletImportHandler handler, TimeProvider timeProvider, ILogger<HamletConsumer>? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(timeProvider);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        if (options.MaxReconnectDelay < options.InitialReconnectDelay)
        {
            throw new ValidationException($"{nameof(options.MaxReconnectDelay)} ({options.MaxReconnectDelay}) is shorter than {nameof(options.InitialReconnectDelay)} ({options.InitialReconnectDelay}).");
        }

        _options = options;
        _invoker = invoker;
        _handler = handler;
        _time = timeProvider;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _metrics = meterFactory is null ? null : new ProtocolMetrics(meterFactory);
    }

    /// <summary>
    /// Gets what this consumer publishes back to its owner on the same stream (symmetric v1alpha2, opt-in): once the
    /// owner subscribes on the stream, the consumer sends UPSERT and DELETE frames of this catalog with its
    /// <see cref="HamletConsumerOptions.Context"/>, and reads the owner's ACKs and NACKs of them.
    /// </summary>
    /// <value>The default value is <see langword="null"/>: the consumer only consumes.</value>
    public HamletPublication? Publication { get; init; }

    /// <summary>Raised after <see cref="Status"/> changes, on the consumer's own thread; handlers must not block.</summary>
    public event EventHandler<HamletConsumerStatus>? StatusChanged;

    /// <summary>Gets the consumer's current status.</summary>
    public HamletConsumerStatus Status
    {
        get
        {
            lock (_gate)
            {
                return _status;
            }
        }
    }

    /// <summary>Starts subscribing in the background; returns at once.</summary>
    /// <param name="cancellationToken">Not used beyond argument checking: the subscription runs until <see cref="StopAsync"/>.</param>
    /// <returns>A completed task.</returns>
    /// <exception cref="InvalidOperationException">The consumer is already running.</exception>
    /// <exception cref="ValidationException"><see cref="Publication"/> is set on the v1alpha1 envelope, which cannot carry it, or breaks a rule.</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Publication is { } publication)
        {
            if (_options.Envelope != HamletEnvelope.V1Alpha2)
            {
                throw new ValidationException($"Peer '{_options.PeerName}': publishing on the stream (symmetric mode) needs the v1alpha2 envelope; the v1alpha1 envelope carries one direction only.");
            }

            Validator.ValidateObject(publication, new ValidationContext(publication), validateAllProperties: true);
        }

        lock (_gate)
        {
            if (_stopping is not null)
            {
                throw new InvalidOperationException($"The consumer for peer '{_options.PeerName}' is already running.");
            }

            _stopping = new CancellationTokenSource();
            var stopping = _stopping.Token;
            using (ExecutionContext.SuppressFlow())
            {
                _loop = Task.Run(() => RunAsync(stopping), CancellationToken.None);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Stops subscribing (R10, G25).</summary>
    /// <param name="purge">Whether to remove every import from this owner, as an intentional unpeering does; without it the imports stay for the disconnected TTL.</param>
    /// <param name="cancellationToken">Cancels waiting for the stop and the purge.</param>
    /// <returns>A task that completes when the stream is closed and, with <paramref name="purge"/>, the imports are gone.</returns>
    public async Task StopAsync(bool purge, CancellationToken cancellationToken)
    {
        CancellationTokenSource? stopping;
        Task loop;
        lock (_gate)
        {
            stopping = _stopping;
            loop = _loop;
            _stopping = null;
        }

        if (stopping is not null)
        {
            await stopping.CancelAsync().ConfigureAwait(false);
            await loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            stopping.Dispose();
        }

        if (purge)
        {
            await _handler.PurgeAsync(_options.PeerName, cancellationToken).ConfigureAwait(false);
        }

        SetStatus(Status with { State = HamletConsumerState.Stopped });
    }

    /// <summary>Stops the consumer without purging its imports.</summary>
    /// <returns>A task that completes when the stream is closed.</returns>
    public async ValueTask DisposeAsync() => await StopAsync(purge: false, CancellationToken.None).ConfigureAwait(false);

    private async Task RunAsync(CancellationToken stopping)
    {
        var backoff = new ReconnectBackoff(_options.InitialReconnectDelay, _options.MaxReconnectDelay, Random.Shared.NextDouble);
        var observer = new SessionObserver(this);
        long reconnects = 0;
        while (!stopping.IsCancellationRequested)
        {
            SetStatus(Status with { State = HamletConsumerState.Connecting, Reconnects = reconnects });
            long? establishedAt = null;
            Exception? failure = null;
            try
            {
                await RunSessionAsync(observer, () =>
                {
                    establishedAt = _time.GetTimestamp();
                    SetStatus(Status with { State = HamletConsumerState.Connected, LastError = null, SnapshotComplete = false });
                    Log.Subscribed(_logger, _options.PeerName, _options.Envelope.ToString());
                }, stopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (stopping.IsCancellationRequested && ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
            {
                break;
            }
            catch (Exception ex)
            {
                failure = ex;
            }

            if (establishedAt is not null)
            {
                await _handler.DisconnectedAsync(_options.PeerName, CancellationToken.None).ConfigureAwait(false);
                if (_time.GetElapsedTime(establishedAt.Value) >= _options.HealthyStreamPeriod)
                {
                    backoff.Reset();
                }
            }

            var reason = Describe(failure);
            if (StreamFailureClassifier.Classify(failure, _options.StopOnTlsAuthenticationFailure) == StreamFailureKind.Fatal)
            {
                Log.StoppedOnFatalError(_logger, failure!, _options.PeerName, reason);
                SetStatus(Status with { State = HamletConsumerState.Failed, LastError = reason });
                return;
            }

            var delay = backoff.NextDelay();
            Log.WillRetry(_logger, failure, _options.PeerName, reason, delay.TotalSeconds);

            // The timer exists before the status says so, so a test that sees WaitingToRetry can advance its clock.
            var waiting = Task.Delay(delay, _time, stopping);
            SetStatus(Status with { State = HamletConsumerState.WaitingToRetry, LastError = reason });
            try
            {
                await waiting.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            reconnects++;
            _metrics?.Reconnected(_options.PeerName);
        }
    }

    private Task RunSessionAsync(SessionObserver observer, Action onEstablished, CancellationToken stopping)
    {
        var settings = new ConsumerSessionSettings
        {
            Peer = _options.PeerName,
            ResourceVersion = _options.ResourceVersion
                ?? (_options.Envelope == HamletEnvelope.V1Alpha2 ? HamletResourceVersion.V1Alpha2 : HamletResourceVersion.V1Alpha1),
            Window = _options.Window,
            Context = _options.Context,
            Validation = new CatalogValidationOptions { Mode = _options.Validation },
        };
        return _options.Envelope == HamletEnvelope.V1Alpha2
            ? new ConsumerStreamSession<V2.BidirectionalStream, V2.BidirectionalStream>(V1Alpha2ConsumerEnvelope.Instance, settings, _handler, observer, PublishOnStream(settings.ResourceVersion)).RunAsync(_invoker, onEstablished, stopping)
            : new ConsumerStreamSession<V1.StreamRequest, V1.StreamResponse>(V1Alpha1ConsumerEnvelope.Instance, settings, _handler, observer).RunAsync(_invoker, onEstablished, stopping);
    }

    private PublishOnStream<V2.BidirectionalStream>? PublishOnStream(HamletResourceVersion version)
    {
        if (Publication is not { } publication)
        {
            return null;
        }

        // The same owner-side session the server runs, in spec lockstep, writing to this side's request stream.
        var settings = new OwnerSessionSettings
        {
            AckTimeout = publication.AckTimeout,
            MaxWindow = 1,
            ServedVersions = new HashSet<HamletResourceVersion> { version },
        };
        var session = new OwnerStreamSession<V2.BidirectionalStream, V2.BidirectionalStream, CatalogEntry>(
            V1Alpha2OwnerEnvelope.Instance, new CatalogOwnerFeed(publication.Catalog, publication.Exports), Owner.HamletOwner.Pack, settings, new PublisherObserver(this), _time);
        return session.PublishAsync;
    }

    private static string Describe(Exception? failure) => failure switch
    {
        null => "the owner ended the stream",
        RpcException rpc when StreamFailureClassifier.IsTlsAuthenticationFailure(rpc) => $"TLS authentication failed: {rpc.Status.Detail}",
        RpcException rpc => $"{rpc.StatusCode}: {rpc.Status.Detail}",
        _ => failure.Message,
    };

    private void SetStatus(HamletConsumerStatus status)
    {
        lock (_gate)
        {
            if (_status == status)
            {
                return;
            }

            _status = status;
        }

        StatusChanged?.Invoke(this, status);
    }

    private sealed class SessionObserver(HamletConsumer consumer) : IConsumerSessionObserver
    {
        public void Subscribed(long? announcedSnapshotCount)
        {
        }

        public void Applied(ServiceKey key, ConsumerOperation operation) => consumer._metrics?.ChangeApplied(consumer._options.PeerName, operation);

        public void Rejected(ServiceKey key, StatusCode code, string reason)
        {
            consumer._metrics?.NackSent(consumer._options.PeerName, code);
            Log.Nacked(consumer._logger, consumer._options.PeerName, key.Name, code.ToString(), reason);
        }

        public void SnapshotComplete() => consumer.SetStatus(consumer.Status with { SnapshotComplete = true });
    }

    /// <summary>Reports what the owner answered to what this consumer published.</summary>
    private sealed class PublisherObserver(HamletConsumer consumer) : IOwnerSessionObserver
    {
        public void ResponseSent(string resourceKey, OwnerOperation operation)
        {
        }

        public void Acknowledged(string resourceKey, TimeSpan latency)
        {
        }

        public void Rejected(string resourceKey, int code, string message) =>
            Log.PublicationNacked(consumer._logger, consumer._options.PeerName, resourceKey, code, message);

        public void UnknownNonce(string nonce)
        {
        }

        public void DuplicateSubscribe()
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(6005, LogLevel.Warning, "Peer '{PeerName}' NACKed '{ResourceKey}' that this consumer published, with code {Code}: {Reason}.", EventName = nameof(PublicationNacked))]
        public static partial void PublicationNacked(ILogger logger, string peerName, string resourceKey, int code, string reason);

        [LoggerMessage(6001, LogLevel.Information, "Subscribed to peer '{PeerName}' over Hamlet {Envelope}.", EventName = nameof(Subscribed))]
        public static partial void Subscribed(ILogger logger, string peerName, string envelope);

        [LoggerMessage(6002, LogLevel.Warning, "The stream to peer '{PeerName}' ended ({Reason}); retrying in {DelaySeconds:0.0} s.", EventName = nameof(WillRetry))]
        public static partial void WillRetry(ILogger logger, Exception? exception, string peerName, string reason, double delaySeconds);

        [LoggerMessage(6003, LogLevel.Error, "Stopped subscribing to peer '{PeerName}': {Reason}. This does not heal by itself; check the peers' identities, trust bundles and configuration.", EventName = nameof(StoppedOnFatalError))]
        public static partial void StoppedOnFatalError(ILogger logger, Exception exception, string peerName, string reason);

        [LoggerMessage(6004, LogLevel.Warning, "Rejected '{ResourceKey}' from peer '{PeerName}' with {Code}: {Reason}.", EventName = nameof(Nacked))]
        public static partial void Nacked(ILogger logger, string peerName, string resourceKey, string code, string reason);
    }
}
