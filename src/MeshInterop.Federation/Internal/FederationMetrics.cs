using System.Diagnostics;
using System.Diagnostics.Metrics;
using MeshInterop.Catalog.Diff;

namespace MeshInterop.Federation.Internal;

/// <summary>
/// The agent-level instruments of the <see cref="FederationTelemetry.Name"/> meter. Stream-level figures (responses
/// sent, ACK latency, NACKs, reconnects) come from the protocol engines' own meter and are not repeated here.
/// </summary>
internal sealed class FederationMetrics
{
    internal const string Success = "success";
    internal const string Failure = "failure";
    internal const string LeadershipLost = "leadership_lost";
    internal const string Apply = "apply";
    internal const string Reconcile = "reconcile";

    private readonly Counter<long> _sinkChanges;
    private readonly Histogram<double> _sinkDuration;
    private readonly Histogram<double> _resyncDuration;
    private readonly Counter<long> _leadership;

    public FederationMetrics(IMeterFactory meterFactory, FederationStatus status)
    {
        var meter = meterFactory.Create(new MeterOptions(FederationTelemetry.Name));
        meter.CreateObservableGauge("meshinterop.federation.peers.connected", () => status.ConnectedPeers, "{peer}", "Peers this replica holds an open consumer stream to.");
        meter.CreateObservableGauge("meshinterop.federation.leader", () => status.IsLeader ? 1 : 0, "{replica}", "1 while this replica is the leader, 0 otherwise.");
        meter.CreateObservableGauge("meshinterop.federation.services.exported", () => status.LocalServices, "{service}", "Services the local source exports (before per-peer policies).");
        meter.CreateObservableGauge("meshinterop.federation.services.imported", () => status.ImportedServices, "{service}", "Services in the import view.");
        meter.CreateObservableGauge("meshinterop.federation.conflicts", () => status.Conflicts, "{conflict}", "Imports not projected because of a name conflict.");
        _sinkChanges = meter.CreateCounter<long>("meshinterop.federation.sink.changes", "{change}", "Import changes written to the sink, by kind.");
        _sinkDuration = meter.CreateHistogram<double>("meshinterop.federation.sink.duration", "s", "Time taken by one sink call, by operation and outcome.");
        _resyncDuration = meter.CreateHistogram<double>("meshinterop.federation.resync.duration", "s", "Time from gaining leadership to the first complete write to the sink.");
        _leadership = meter.CreateCounter<long>("meshinterop.federation.leadership.transitions", "{transition}", "Leadership gained (success) and lost (leadership_lost) by this replica.");
    }

    public void SinkWritten(string operation, CatalogDiff? changes, TimeSpan elapsed, string outcome)
    {
        _sinkDuration.Record(elapsed.TotalSeconds, new TagList { { FederationTelemetry.SinkOperationTag, operation }, { FederationTelemetry.OutcomeTag, outcome } });
        if (changes is null || outcome != Success)
            return;
        Count(changes.Added, "added");
        Count(changes.Updated, "updated");
        Count(changes.Removed, "removed");
    }

    public void Resynced(TimeSpan elapsed) => _resyncDuration.Record(elapsed.TotalSeconds);

    public void Leadership(bool gained) => _leadership.Add(1, new KeyValuePair<string, object?>(FederationTelemetry.OutcomeTag, gained ? Success : LeadershipLost));

    private void Count(IEnumerable<CatalogChange> changes, string kind)
    {
        var count = changes.Count();
        if (count > 0)
            _sinkChanges.Add(count, new KeyValuePair<string, object?>(FederationTelemetry.ChangeKindTag, kind));
    }
}
