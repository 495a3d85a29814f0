using Grpc.Core;
using MeshInterop.Catalog;
using MeshInterop.Protocol.Consumer;

namespace MeshInterop.Protocol.Internal;

/// <summary>
/// Applies one received response through an <see cref="IHamletImportHandler"/> and says how to answer it (R6, G5):
/// ACK once the handler has completed; NACK <c>InvalidArgument</c> for undecodable, mistyped or invalid resources
/// and unknown operations, <c>PermissionDenied</c> for policy refusals, <c>Unavailable</c> for local failures,
/// leaving the catalog unchanged. Used by the consumer and, on a symmetric stream, by the owner for what its
/// peer publishes.
/// </summary>
internal sealed class ImportApplier(ImportDecoder decoder, bool keyedByResourceId, IHamletImportHandler handler, string peer, IConsumerSessionObserver observer)
{
    public async Task<Google.Rpc.Status> ApplyAsync(ConsumerResponse response, bool isSnapshotItem, CancellationToken cancellationToken)
    {
        var decoded = response.Operation == ConsumerOperation.Unknown
            ? DecodedResource.Reject($"operation is UNKNOWN; expected {(keyedByResourceId ? "UPSERT or DELETE" : "CREATE, UPDATE or DELETE")}")
            : decoder.Decode(response.Resource, response.ResourceId, response.Operation == ConsumerOperation.Delete);

        if (decoded.IsRejected)
        {
            return await RejectAsync(decoded.Key, decoded.RejectCode, decoded.RejectReason!, isSnapshotItem, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            if (response.Operation == ConsumerOperation.Delete)
            {
                await handler.DeleteAsync(peer, decoded.Key, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await handler.UpsertAsync(peer, decoded.Entry!, cancellationToken).ConfigureAwait(false);
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

        observer.Applied(decoded.Key, response.Operation);
        return new Google.Rpc.Status();
    }

    private async Task<Google.Rpc.Status> RejectAsync(ServiceKey key, StatusCode code, string reason, bool isSnapshotItem, CancellationToken cancellationToken)
    {
        // A NACKed snapshot item whose key is known counts as asserted, so the sweep keeps its previous version.
        if (isSnapshotItem && !key.IsEmpty)
        {
            await handler.MarkAssertedAsync(peer, key, cancellationToken).ConfigureAwait(false);
        }

        observer.Rejected(key, code, reason);
        return new Google.Rpc.Status { Code = (int)code, Message = reason };
    }
}
