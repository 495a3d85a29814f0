using System.Collections.Immutable;
using Grpc.Core;
using MeshInterop.Identity.Tls;
using MeshInterop.Protocol.Owner;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace MeshInterop.Federation.Internal;

/// <summary>
/// Maps the verified SPIFFE ID of a stream's client certificate to exactly one configured peer and hands the owner
/// that peer's export filter. No verified certificate: <c>Unauthenticated</c>; a verified ID that is no peer's agent:
/// <c>PermissionDenied</c>.
/// </summary>
internal sealed class PeerAuthorizer(SpiffeTls tls, ImmutableArray<PeerDefinition> peers) : IHamletPeerAuthorizer
{
    public HamletPeerAuthorization Authorize(ServerCallContext context)
    {
        var stream = context.GetHttpContext().Features.Get<ISslStreamFeature>()?.SslStream;
        if (stream is null || !tls.TryGetPeer(stream, out var peer) || peer is null || !peer.IsValid)
            return HamletPeerAuthorization.Unauthenticated("The connection carries no verified SPIFFE client certificate.");

        var id = peer.SpiffeId;

        // An exact agent ID wins over a trust-domain match, so two peers may share a trust domain.
        PeerDefinition? match = null;
        foreach (var candidate in peers)
        {
            if (candidate.AgentId == id)
            {
                match = candidate;
                break;
            }

            if (match is null && candidate.AgentId is null && candidate.TrustDomain == id.TrustDomain)
                match = candidate;
        }

        if (match is not null)
            return HamletPeerAuthorization.Allow(match.Name, match.Exports);

        foreach (var candidate in peers)
        {
            if (candidate.TrustDomain == id.TrustDomain)
                return HamletPeerAuthorization.PermissionDenied($"'{id}' is not the agent of peer '{candidate.Name}' (expected '{candidate.AgentId}').");
        }

        return HamletPeerAuthorization.PermissionDenied($"'{id}' is not in the trust domain of a configured peer.");
    }
}
