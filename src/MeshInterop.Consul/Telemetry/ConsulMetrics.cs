using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MeshInterop.Consul.Telemetry;

/// <summary>Tag keys of MeshInterop.Consul instruments; values come from bounded sets (route templates, never service names).</summary>
internal static class ConsulTelemetryTags
{
    public const string Route = "meshinterop.consul.route";
    public const string Method = "http.request.method";
    public const string StatusCode = "http.response.status_code";
    public const string ErrorType = "error.type";
    public const string RetryClass = "meshinterop.consul.retry_class";
    public const string Watch = "meshinterop.consul.watch";
    public const string Changed = "meshinterop.consul.changed";
    public const string Operation = "meshinterop.consul.operation";
}

/// <summary>The instruments of the package, created through <see cref="IMeterFactory"/>.</summary>
internal sealed class ConsulMetrics
{
    private readonly Histogram<double> _requestDuration;
    private readonly Counter<long> _requestErrors;
    private readonly UpDownCounter<long> _activeWatches;
    private readonly Counter<long> _watchWakeups;
    private readonly Counter<long> _indexResets;
    private readonly Histogram<double> _importReconcileDuration;
    private readonly Counter<long> _importOperations;
    private readonly Counter<long> _importTransactions;

    public ConsulMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(new MeterOptions(ConsulTelemetry.Name));
        _requestDuration = meter.CreateHistogram<double>("meshinterop.consul.request.duration", unit: "s",
            description: "Time taken by one Consul HTTP API request, blocking queries included.");
        _requestErrors = meter.CreateCounter<long>("meshinterop.consul.request.errors", unit: "{error}",
            description: "Consul HTTP API requests that failed, by retry class.");
        _activeWatches = meter.CreateUpDownCounter<long>("meshinterop.consul.watch.active", unit: "{watch}",
            description: "Blocking-query watches currently running.");
        _watchWakeups = meter.CreateCounter<long>("meshinterop.consul.watch.wakeups", unit: "{wakeup}",
            description: "Answers to blocking queries, split by whether the content changed.");
        _indexResets = meter.CreateCounter<long>("meshinterop.consul.watch.index_resets", unit: "{reset}",
            description: "Times a watch saw X-Consul-Index go backwards and resynchronised.");
        _importReconcileDuration = meter.CreateHistogram<double>("meshinterop.consul.import.reconcile.duration", unit: "s",
            description: "Time taken by one full reconciliation of the imports with Consul.");
        _importOperations = meter.CreateCounter<long>("meshinterop.consul.import.operations", unit: "{operation}",
            description: "Import writes sent to Consul, by operation (register, deregister, check, node).");
        _importTransactions = meter.CreateCounter<long>("meshinterop.consul.import.transactions", unit: "{transaction}",
            description: "Transactions of import writes applied by Consul.");
    }

    public void RecordImportReconcile(TimeSpan elapsed, Exception? error) =>
        _importReconcileDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>(ConsulTelemetryTags.ErrorType, error?.GetType().Name));

    public void RecordImportTransaction(IReadOnlyList<Internal.Client.TxnOp> operations)
    {
        _importTransactions.Add(1);
        foreach (var op in operations)
        {
            var what = op.Service is { } service ? (service.Verb.StartsWith("delete", StringComparison.Ordinal) ? "deregister" : "register")
                : op.Check is not null ? "check"
                : "node";
            _importOperations.Add(1, new KeyValuePair<string, object?>(ConsulTelemetryTags.Operation, what));
        }
    }

    public void RecordRequest(string method, string route, int? statusCode, TimeSpan elapsed, ConsulException? error)
    {
        var tags = new TagList
        {
            { ConsulTelemetryTags.Method, method },
            { ConsulTelemetryTags.Route, route },
        };
        if (statusCode is { } status)
        {
            tags.Add(ConsulTelemetryTags.StatusCode, status);
        }

        if (error is not null)
        {
            tags.Add(ConsulTelemetryTags.ErrorType, error.GetType().Name);
            var errorTags = tags;
            errorTags.Add(ConsulTelemetryTags.RetryClass, error.RetryClass.ToString());
            _requestErrors.Add(1, errorTags);
        }

        _requestDuration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>Counts a request that got an answer, already recorded by <see cref="RecordRequest"/>, but whose status is an error.</summary>
    public void RecordErrorAnswer(string method, string route, int statusCode, ConsulException error) =>
        _requestErrors.Add(1, new TagList
        {
            { ConsulTelemetryTags.Method, method },
            { ConsulTelemetryTags.Route, route },
            { ConsulTelemetryTags.StatusCode, statusCode },
            { ConsulTelemetryTags.ErrorType, error.GetType().Name },
            { ConsulTelemetryTags.RetryClass, error.RetryClass.ToString() },
        });

    public void WatchStarted(string watch) => _activeWatches.Add(1, new KeyValuePair<string, object?>(ConsulTelemetryTags.Watch, watch));

    public void WatchStopped(string watch) => _activeWatches.Add(-1, new KeyValuePair<string, object?>(ConsulTelemetryTags.Watch, watch));

    public void WatchWakeup(string watch, bool changed) =>
        _watchWakeups.Add(1, new KeyValuePair<string, object?>(ConsulTelemetryTags.Watch, watch),
            new KeyValuePair<string, object?>(ConsulTelemetryTags.Changed, changed));

    public void IndexReset(string watch) => _indexResets.Add(1, new KeyValuePair<string, object?>(ConsulTelemetryTags.Watch, watch));
}

/// <summary>The one <see cref="ActivitySource"/> of the package.</summary>
internal static class ConsulActivity
{
    internal static readonly ActivitySource Source = new(new ActivitySourceOptions(ConsulTelemetry.Name));
}
