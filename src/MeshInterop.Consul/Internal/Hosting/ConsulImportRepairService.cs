using MeshInterop.Consul.Internal.Import;
using MeshInterop.Consul.Internal.Leadership;
using MeshInterop.Federation.Leadership;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MeshInterop.Consul.Internal.Hosting;

/// <summary>
/// Re-applies the last complete desired state to Consul every <see cref="ConsulImportOptions.ReconcileInterval"/>, repairing
/// external edits and deletions (reference §12: consul-k8s re-registers everything every 30 s). It writes only while this
/// replica holds the Consul leader lock, under the lease's token, so two replicas never fight; with another elector it stays idle.
/// </summary>
internal sealed partial class ConsulImportRepairService(ConsulImportSink sink, IOptions<ConsulImportOptions> options, ILeaderElector elector,
    TimeProvider timeProvider, ILogger<ConsulImportRepairService> logger) : BackgroundService
{
    private PeriodicTimer? _timer;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Created here, not in ExecuteAsync, so a test can move a fake clock as soon as StartAsync returns.
        _timer = new PeriodicTimer(options.Value.ReconcileInterval, timeProvider);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (await _timer!.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (elector is not ConsulLeaderElector { Current: { } lease })
            {
                continue;
            }

            using var writing = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease.Lost);
            try
            {
                if (await sink.RepairAsync(writing.Token).ConfigureAwait(false))
                {
                    Log.ImportsRepaired(logger);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // Leadership lost mid-repair, or Consul failed: the next tick (or the next leader) tries again.
                Log.RepairFailed(logger, ex);
            }
        }
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(3421, LogLevel.Debug, "Reconciled the imports in Consul with the last desired state.", EventName = nameof(ImportsRepaired))]
        public static partial void ImportsRepaired(ILogger logger);

        [LoggerMessage(3422, LogLevel.Warning, "The periodic reconciliation of the imports in Consul failed; it runs again at the next interval.", EventName = nameof(RepairFailed))]
        public static partial void RepairFailed(ILogger logger, Exception exception);
    }
}
