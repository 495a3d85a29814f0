using System.Globalization;
using Grpc.Core;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Validation;
using MeshInterop.Protocol.Consumer;

namespace MeshInterop.Protocol.Internal;

/// <summary>What a consumer session reports as it runs; implemented by logging, metrics and status.</summary>
internal interface IConsumerSessionObserver
{
    void Subscribed(long? announcedSnapshotCount);

    void Applied(ServiceKey key, ConsumerOperation operation);

    void Rejected(ServiceKey key, StatusCode code, string reason);

    void SnapshotComplete();
}

/// <summary>The settings one consumer stream runs with, resolved from the consumer options.</summary>
internal sealed record ConsumerSessionSettings
{
    public required string Peer { get; init; }

    public required HamletResourceVersion ResourceVersion { get; init; }

    public int Window { get; init; } = 1;

    public string Context { get; init; } = string.Empty;

    public CatalogValidationOptions? Validation { get; init; }
}

/// <summary>
/// The consumer's side of one <c>EstablishStream</c> call for either envelope: subscribes, reads the
/// snapshot-count header, then handles responses strictly in arrival order, answering each exactly once
/// and only after the import handler has completed (R6): ACK on success, NACK <c>InvalidArgument</c> for
/// undecodable, mistyped or invalid resources and unknown operations, <c>PermissionDenied</c> for policy
/// refusals, <c>Unavailable</c> for local failures, leaving the catalog unchanged. Returns when the owner
/// ends the stream; the caller classifies how it ended and reconnects.
/// </summary>
internal sealed class ConsumerStreamSession<TRequest, TResponse>
{
    private readonly IConsumerEnvelope<TRequest, TResponse> _envelope;
    private readonly ConsumerSessionSettings _settings;
    private readonly IHamletImportHandler _handler;
    private readonly IConsumerSessionObserver _observer;
    private readonly ImportDecoder _decoder;
    private readonly string _resourceUrl;

    public ConsumerStreamSession(IConsumerEnvelope<TRequest, TResponse> envelope, ConsumerSessionSettings settings, IHamletImportHandler handler, IConsumerSessionObserver observer)
    {
        _envelope = envelope;
        _settings = settings;
        _handler = handler;
        _observer = observer;
        _resourceUrl = HamletResourceTypes.TypeUrl(settings.ResourceVersion);
        _decoder = new ImportDecoder(settings.ResourceVersion, envelope.KeyedByResourceId, settings.Peer, settings.Validation);
    }

    /// <summary>Runs one stream; completes when the owner ends it (with OK) and throws how it failed otherwise.</summary>
    /// <param name="invoker">The channel to the owner.</param>
    /// <param name="onEstablished">Called once the owner has answered the subscription with its headers.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    public async Task RunAsync(CallInvoker invoker, Action onEstablished, CancellationToken cancellationToken)
    {
        var headers = new Metadata();
        if (_settings.Window > 1)
        {
            headers.Add(MeshInteropHeaders.Window, _settings.Window.ToString(CultureInfo.InvariantCulture));
        }

        using var call = _envelope.Start(invoker, new CallOptions(headers, cancellationToken: cancellationToken));
        await call.RequestStream.WriteAsync(_envelope.Subscribe(_resourceUrl, _settings.Context), cancellationToken).ConfigureAwait(false);

        // Headers precede the first response, but a plain owner with an empty catalog may send neither
        // for a long time: wait for whichever comes first.
        var firstMessage = call.ResponseStream.MoveNext(cancellationToken);
        await Task.WhenAny(call.ResponseHeadersAsync, firstMessage).ConfigureAwait(false);
        if (firstMessage.IsCompleted && !firstMessage.IsCompletedSuccessfully)
        {
            await firstMessage.ConfigureAwait(false); // The owner refused the subscription: surface how.
        }

        long? announced = null;
        if (call.ResponseHeadersAsync.IsCompletedSuccessfully)
        {
            var responseHeaders = await call.ResponseHeadersAsync.ConfigureAwait(false);
            if (MeshInteropHeaders.TryParseSnapshotCount(responseHeaders.GetValue(MeshInteropHeaders.SnapshotCount), out var count))
            {
                announced = count;
            }
        }

        await _handler.BeginSubscriptionAsync(_settings.Peer, announced, cancellationToken).ConfigureAwait(false);
        _observer.Subscribed(announced);
        onEstablished();
        if (announced == 0)
        {
            _observer.SnapshotComplete();
        }

        long answered = 0;
        var hasMessage = await firstMessage.ConfigureAwait(false);
        while (hasMessage)
        {
            if (_envelope.TryRead(call.ResponseStream.Current, out var response))
            {
                var status = await HandleAsync(response, isSnapshotItem: announced is { } n && answered < n, cancellationToken).ConfigureAwait(false);
                await call.RequestStream.WriteAsync(_envelope.Answer(_resourceUrl, response.Nonce, status, _settings.Context), cancellationToken).ConfigureAwait(false);
                answered++;
                if (announced is { } total && answered == total)
                {
                    _observer.SnapshotComplete();
                }
            }

            hasMessage = await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false);
        }

        await call.RequestStream.CompleteAsync().ConfigureAwait(false);
    }

    private async Task<Google.Rpc.Status> HandleAsync(ConsumerResponse response, bool isSnapshotItem, CancellationToken cancellationToken)
    {
        var decoded = response.Operation == ConsumerOperation.Unknown
            ? DecodedResource.Reject($"operation is UNKNOWN; expected {(_envelope.KeyedByResourceId ? "UPSERT or DELETE" : "CREATE, UPDATE or DELETE")}")
            : _decoder.Decode(response.Resource, response.ResourceId, response.Operation == ConsumerOperation.Delete);

        if (decoded.IsRejected)
        {
            return await RejectAsync(decoded.Key, decoded.RejectCode, decoded.RejectReason!, isSnapshotItem, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            if (response.Operation == ConsumerOperation.Delete)
            {
                await _handler.DeleteAsync(_settings.Peer, decoded.Key, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _handler.UpsertAsync(_settings.Peer, decoded.Entry!, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (HamletImportRejectedException ex)
        {
            return await RejectAsync(decoded.Key, StatusCode.PermissionDenied, ex.Message, isSnapshotItem, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A local failure: the owner may resend once we recover, so it is transient (G5).
            var reason = string.IsNullOrEmpty(ex.Message) ? ex.GetType().Name : ex.Message;
            return await RejectAsync(decoded.Key, StatusCode.Unavailable, "applying the import failed: " + reason, isSnapshotItem, cancellationToken).ConfigureAwait(false);
        }

        _observer.Applied(decoded.Key, response.Operation);
        return new Google.Rpc.Status();
    }

    private async Task<Google.Rpc.Status> RejectAsync(ServiceKey key, StatusCode code, string reason, bool isSnapshotItem, CancellationToken cancellationToken)
    {
        // A NACKed snapshot item whose key is known counts as asserted, so the sweep keeps its previous version.
        if (isSnapshotItem && !key.IsEmpty)
        {
            await _handler.MarkAssertedAsync(_settings.Peer, key, cancellationToken).ConfigureAwait(false);
        }

        _observer.Rejected(key, code, reason);
        return new Google.Rpc.Status { Code = (int)code, Message = reason };
    }
}
