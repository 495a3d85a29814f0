using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MeshInterop.Istio.Telemetry;

/// <summary>Tag names of the package's instruments and activities.</summary>
internal static class IstioTelemetryTags
{
    public const string Operation = "meshinterop.istio.operation";
    public const string Kind = "meshinterop.istio.kind";
    public const string Outcome = "meshinterop.istio.outcome";
    public const string ErrorType = "error.type";
    public const string Side = "meshinterop.istio.side";
}

/// <summary>The instruments of the package, created through <see cref="IMeterFactory"/>.</summary>
internal sealed class IstioMetrics
{
    private readonly Counter<long> _requests;
    private readonly Counter<long> _warnings;
    private readonly Counter<long> _watchResyncs;
    private readonly Counter<long> _objectWrites;
    private readonly Histogram<double> _reconcileDuration;

    public IstioMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(new MeterOptions(IstioTelemetry.Name));
        _requests = meter.CreateCounter<long>("meshinterop.istio.api.requests", unit: "{request}",
            description: "Kubernetes API requests the adapter made, by operation, kind and outcome.");
        _warnings = meter.CreateCounter<long>("meshinterop.istio.api.warnings", unit: "{warning}",
            description: "Warning headers the API server returned on writes.");
        _watchResyncs = meter.CreateCounter<long>("meshinterop.istio.watch.resyncs", unit: "{resync}",
            description: "Full re-lists after a watch expired (410 Gone).");
        _objectWrites = meter.CreateCounter<long>("meshinterop.istio.objects.written", unit: "{object}",
            description: "Owned objects applied or deleted, by side (import or export) and operation.");
        _reconcileDuration = meter.CreateHistogram<double>("meshinterop.istio.reconcile.duration", unit: "s",
            description: "Time taken by one pass that makes the owned objects equal to the desired set.");
    }

    public void ObjectsWritten(string side, string operation, int count)
    {
        if (count > 0)
        {
            _objectWrites.Add(count,
                new KeyValuePair<string, object?>(IstioTelemetryTags.Side, side),
                new KeyValuePair<string, object?>(IstioTelemetryTags.Operation, operation));
        }
    }

    public void Reconciled(string side, TimeSpan elapsed, Exception? error) =>
        _reconcileDuration.Record(elapsed.TotalSeconds,
            new KeyValuePair<string, object?>(IstioTelemetryTags.Side, side),
            new KeyValuePair<string, object?>(IstioTelemetryTags.ErrorType, error?.GetType().FullName));

    /// <summary><paramref name="outcome"/> is <c>success</c>, <c>not_found</c>, <c>conflict</c>, <c>invalid</c> or <c>error</c>.</summary>
    public void Request(string operation, string kind, string outcome) =>
        _requests.Add(1,
            new KeyValuePair<string, object?>(IstioTelemetryTags.Operation, operation),
            new KeyValuePair<string, object?>(IstioTelemetryTags.Kind, kind),
            new KeyValuePair<string, object?>(IstioTelemetryTags.Outcome, outcome));

    public void Warnings(string kind, int count)
    {
        if (count > 0)
            _warnings.Add(count, new KeyValuePair<string, object?>(IstioTelemetryTags.Kind, kind));
    }

    public void WatchResync(string kind) => _watchResyncs.Add(1, new KeyValuePair<string, object?>(IstioTelemetryTags.Kind, kind));
}

/// <summary>The one <see cref="ActivitySource"/> of the package.</summary>
internal static class IstioActivity
{
    internal static readonly ActivitySource Source = new(new ActivitySourceOptions(IstioTelemetry.Name));
}
