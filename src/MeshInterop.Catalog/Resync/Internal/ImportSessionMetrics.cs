using System.Diagnostics.Metrics;
using MeshInterop.Catalog.Import;

namespace MeshInterop.Catalog.Resync.Internal;

/// <summary>The instruments of <see cref="ImportSessions"/>, created through <see cref="IMeterFactory"/>.</summary>
internal sealed class ImportSessionMetrics
{
    internal const string Announced = "announced";
    internal const string GracePeriod = "grace_period";
    internal const string Abandoned = "abandoned";

    private readonly Counter<long> _resyncs;
    private readonly Counter<long> _swept;
    private readonly Counter<long> _expired;

    internal ImportSessionMetrics(IMeterFactory meterFactory, ImportView view)
    {
        var meter = meterFactory.Create(new MeterOptions(ImportTelemetry.MeterName));
        _resyncs = meter.CreateCounter<long>("meshinterop.catalog.import.resyncs", unit: "{resync}",
            description: "Resyncs that ended, by peer and outcome (announced size reached, grace period elapsed, or abandoned by a broken stream).");
        _swept = meter.CreateCounter<long>("meshinterop.catalog.import.swept", unit: "{service}",
            description: "Imports removed by resync sweeps because the peer no longer asserted them.");
        _expired = meter.CreateCounter<long>("meshinterop.catalog.import.expired", unit: "{service}",
            description: "Imports purged because their peer stayed disconnected longer than the disconnected TTL.");
        meter.CreateObservableGauge("meshinterop.catalog.import.services", () => (long)view.Count, unit: "{service}",
            description: "Imports projected into the local mesh.");
        meter.CreateObservableGauge("meshinterop.catalog.import.conflicts", () => (long)view.ConflictCount, unit: "{service}",
            description: "Imports kept but not projected as themselves (collisions, shadowed by local services, invalid names).");
    }

    internal void ResyncEnded(string peer, string outcome, int swept)
    {
        var peerTag = new KeyValuePair<string, object?>(ImportTelemetry.PeerTag, peer);
        _resyncs.Add(1, peerTag, new KeyValuePair<string, object?>(ImportTelemetry.OutcomeTag, outcome));
        if (swept > 0)
            _swept.Add(swept, peerTag);
    }

    internal void Expired(string peer, int count)
    {
        if (count > 0)
            _expired.Add(count, new KeyValuePair<string, object?>(ImportTelemetry.PeerTag, peer));
    }
}
