using MeshInterop.Consul.Internal.Import;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MeshInterop.Consul.Internal.Hosting;

/// <summary>
/// Reports what keeps imports out of Consul: a refused node or an ACL denial is unhealthy (nothing of a peer, or nothing at
/// all, can be written); a withheld name or entry is degraded (the rest is written).
/// </summary>
internal sealed class ConsulImportHealthCheck(ConsulImportSink sink) : IHealthCheck
{
    public const string Name = "meshinterop-consul-import";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var alerts = sink.Alerts.ToArray();
        if (alerts.Length == 0)
        {
            return Task.FromResult(HealthCheckResult.Healthy("Every import is written to Consul."));
        }

        var data = alerts.ToDictionary(a => a.Key, a => (object)a.Value, StringComparer.Ordinal);
        var description = string.Join(" ", alerts.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Value));
        var severe = alerts.Any(a => a.Key == "acl" || a.Key.StartsWith("node:", StringComparison.Ordinal));
        return Task.FromResult(severe
            ? HealthCheckResult.Unhealthy(description, data: data)
            : HealthCheckResult.Degraded(description, data: data));
    }
}
