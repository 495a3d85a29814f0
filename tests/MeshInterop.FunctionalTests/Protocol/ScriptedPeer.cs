using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MeshInterop.Protocol;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.FunctionalTests.Protocol;

/// <summary>
/// One stream of a <see cref="ScriptedOwner"/> seen through either envelope, carrying v1alpha2 resources
/// (combination B on v1alpha1, C on v1alpha2), so consumer behaviour can be checked on both envelopes by one test.
/// </summary>
internal abstract class ScriptedPeer
{
    /// <summary>Gets the subscription the consumer sent.</summary>
    public string SubscribedUrl { get; protected init; } = string.Empty;

    public string SubscribedContext { get; protected init; } = string.Empty;

    public abstract Task WriteHeadersAsync(Metadata headers);

    /// <summary>Sends a CREATE (v1alpha1) or UPSERT (v1alpha2) of <paramref name="resource"/>, keyed by its name.</summary>
    public Task UpsertAsync(string nonce, V2.FederatedService resource, bool isUpdate = false) => SendAsync(nonce, resource.Name, Any.Pack(resource), isUpdate ? Op.Update : Op.Create);

    public Task DeleteAsync(string nonce, V2.FederatedService resource) => SendAsync(nonce, resource.Name, Any.Pack(resource), Op.Delete);

    /// <summary>Sends an arbitrary resource under <paramref name="key"/> (the v1alpha2 resource_id).</summary>
    public abstract Task SendAsync(string nonce, string key, Any resource, Op operation);

    /// <summary>Reads the consumer's answer to a response.</summary>
    public abstract Task<(string Nonce, Google.Rpc.Status? Status)> ReadAnswerAsync();

    public abstract void End(Status status);

    public static async Task<ScriptedPeer> AcceptAsync(ScriptedOwner owner, HamletEnvelope envelope) => envelope == HamletEnvelope.V1Alpha1
        ? await V1Peer.AcceptAsync(await owner.NextV1CallAsync())
        : await V2Peer.AcceptAsync(await owner.NextV2CallAsync());

    internal enum Op
    {
        Create,
        Update,
        Delete,
    }

    private sealed class V1Peer : ScriptedPeer
    {
        private readonly ScriptedCall<V1.StreamRequest, V1.StreamResponse> _call;

        private V1Peer(ScriptedCall<V1.StreamRequest, V1.StreamResponse> call, string url)
        {
            _call = call;
            SubscribedUrl = url;
        }

        public static async Task<ScriptedPeer> AcceptAsync(ScriptedCall<V1.StreamRequest, V1.StreamResponse> call) =>
            new V1Peer(call, (await call.ReadAsync()).ResourceUrl);

        public override Task WriteHeadersAsync(Metadata headers) => _call.WriteHeadersAsync(headers);

        public override Task SendAsync(string nonce, string key, Any resource, Op operation) => _call.SendAsync(new V1.StreamResponse
        {
            Nonce = nonce,
            ResourceUrl = SubscribedUrl,
            Resource = resource,
            Operation = operation switch
            {
                Op.Create => V1.StreamResponse.Types.Operation.Create,
                Op.Update => V1.StreamResponse.Types.Operation.Update,
                _ => V1.StreamResponse.Types.Operation.Delete,
            },
        });

        public override async Task<(string Nonce, Google.Rpc.Status? Status)> ReadAnswerAsync()
        {
            var answer = await _call.ReadAsync();
            return (answer.ResponseNonce, answer.Status);
        }

        public override void End(Status status) => _call.End(status);
    }

    private sealed class V2Peer : ScriptedPeer
    {
        private readonly ScriptedCall<V2.BidirectionalStream, V2.BidirectionalStream> _call;

        private V2Peer(ScriptedCall<V2.BidirectionalStream, V2.BidirectionalStream> call, V2.StreamRequest subscription)
        {
            _call = call;
            SubscribedUrl = subscription.ResourceUrl;
            SubscribedContext = subscription.Context;
        }

        public static async Task<ScriptedPeer> AcceptAsync(ScriptedCall<V2.BidirectionalStream, V2.BidirectionalStream> call)
        {
            var first = await call.ReadAsync();
            Assert.NotNull(first.Request);
            return new V2Peer(call, first.Request);
        }

        public override Task WriteHeadersAsync(Metadata headers) => _call.WriteHeadersAsync(headers);

        public override Task SendAsync(string nonce, string key, Any resource, Op operation) => _call.SendAsync(new V2.BidirectionalStream
        {
            Response = new V2.StreamResponse
            {
                Nonce = nonce,
                ResourceUrl = SubscribedUrl,
                ResourceId = key,
                Resource = resource,
                Operation = operation == Op.Delete ? V2.StreamResponse.Types.Operation.Delete : V2.StreamResponse.Types.Operation.Upsert,
                Context = SubscribedContext,
            },
        });

        public override async Task<(string Nonce, Google.Rpc.Status? Status)> ReadAnswerAsync()
        {
            var answer = await _call.ReadAsync();
            Assert.NotNull(answer.Request);
            return (answer.Request.ResponseNonce, answer.Request.Status);
        }

        public override void End(Status status) => _call.End(status);
    }
}
