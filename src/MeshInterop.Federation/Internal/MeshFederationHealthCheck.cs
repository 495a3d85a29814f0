using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MeshInterop.Federation.Internal;

/// <summary>
/// Healthy when every peer is connected (or this replica is a standby); degraded when some are not; unhealthy when
/// the leader reaches none of its peers.
/// </summary>
internal sealed class MeshFederationHealthCheck(IMeshFederationStatus status) : IHealthCheck
{
    public const string Name = "meshinterop-federation";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var peers = status.Peers;
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var peer in peers)
            data[peer.Name] = peer.State.ToString();
        if (!status.IsLeader)
            return Task.FromResult(HealthCheckResult.Healthy("Standby replica: the leader consumes the peers.", data));
        var connected = peers.Count(p => p.IsConnected);
        if (connected == peers.Count)
            return Task.FromResult(HealthCheckResult.Healthy($"All {peers.Count} peers connected.", data));
        var detail = string.Join("; ", peers.Where(p => !p.IsConnected).Select(p => $"{p.Name}: {p.State}{(p.LastError is null ? string.Empty : " (" + p.LastError + ")")}"));
        return Task.FromResult(connected == 0
            ? new HealthCheckResult(context.Registration.FailureStatus, $"No peer connected: {detail}", data: data)
            : HealthCheckResult.Degraded($"{connected} of {peers.Count} peers connected: {detail}", data: data));
    }
}
