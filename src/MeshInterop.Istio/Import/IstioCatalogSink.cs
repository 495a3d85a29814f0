using System.Diagnostics;
using System.Net;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Diff;
using MeshInterop.Istio.Internal;
using MeshInterop.Istio.Internal.Import;
using MeshInterop.Istio.Internal.Kubernetes;
using MeshInterop.Istio.Internal.Reconcile;
using MeshInterop.Istio.Resources;
using MeshInterop.Istio.Telemetry;
using MeshInterop.Istio.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MeshInterop.Istio.Import;

/// <summary>
/// Writes the import view to the cluster as Istio objects (reference sections 8.1, 8.2 and 10): one ServiceEntry (and,
/// where the peer expects its own SNI, one DestinationRule) per import in the import namespace, or WorkloadEntries
/// beside a local Service for import-as-local peers. Every object carries the ownership labels, is validated against
/// the cluster's CRD schemas and the webhook rules, and is written by server-side apply only when it differs.
/// <para/>
/// <see cref="ApplyAsync"/> touches only the objects of the changed services; <see cref="ReconcileAsync"/> sweeps
/// every owned import object that is no longer desired. Once a reconcile has given the sink the complete import set,
/// a batch that removes a peer's last import also removes every other object labelled with that peer (unpeering).
/// Calls are serialised. Registered by <c>AddIstio</c>; resolve it as <see cref="ICatalogSink"/>.
/// </summary>
public sealed partial class IstioCatalogSink : ICatalogSink, IDisposable
{
    private const string OwnedImportSelector = IstioObjectNaming.ManagedByLabel + "=" + IstioObjectNaming.ManagedByValue + "," + IstioObjectNaming.RoleLabel + "=" + ImportObjectBuilder.Role;
    private const int MaxHashesInSelector = 64;
    private static readonly IstioResourceType[] Kinds = [IstioResourceType.ServiceEntry, IstioResourceType.DestinationRule, IstioResourceType.WorkloadEntry];

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ImportObjectBuilder _builder;
    private readonly IstioImportOptions _options;
    private readonly OwnedObjectWriter _writer;
    private readonly IstioCrdSchemaLoader _schemaLoader;
    private readonly LocalServiceReader _localServices;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly IstioMetrics? _metrics;
    private CatalogSnapshot _state = CatalogSnapshot.Empty;
    private bool _stateComplete;
    private CrdSchemaSet? _schemas;
    private bool _schemasLoaded;

    internal IstioCatalogSink(k8s.Kubernetes client, IOptions<IstioImportOptions> options, TimeProvider timeProvider, ILogger<IstioCatalogSink> logger, IstioMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        _builder = new ImportObjectBuilder(_options);
        _writer = new OwnedObjectWriter(new IstioObjectClient(client, timeProvider, logger, metrics), new IstioApiDiscovery(client), logger);
        _schemaLoader = new IstioCrdSchemaLoader(client);
        _localServices = new LocalServiceReader(client);
        _timeProvider = timeProvider;
        _logger = logger;
        _metrics = metrics;
    }

    /// <summary>Gets what the last successful pass did, for status and tests.</summary>
    internal ImportPassResult? LastResult { get; private set; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="changes"/> is <see langword="null"/>.</exception>
    /// <exception cref="IstioWriteException">Some objects could not be written; nothing was deleted.</exception>
    public async Task ApplyAsync(CatalogDiff changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.IsEmpty)
            return;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var next = _state.Update(changes.Changes.Where(c => c.New is not null).Select(c => c.New!), changes.Removed.Select(c => c.Key));

            // Scope: the services the batch touches (old and new hosts, for renames) and, when the sink knows the
            // complete import set, the peers whose last import the batch removes.
            var hashes = new HashSet<string>(StringComparer.Ordinal);
            foreach (var change in changes.Changes)
            {
                foreach (var entry in (CatalogEntry?[])[change.Old, change.New])
                {
                    if (entry is not null && ImportObjectBuilder.ServiceHashOf(entry) is { } hash)
                        hashes.Add(hash);
                }
            }

            var emptiedPeers = new HashSet<string>(StringComparer.Ordinal);
            if (_stateComplete)
            {
                var remaining = next.Select(e => e.Origin.PeerName).OfType<string>().ToHashSet(StringComparer.Ordinal);
                emptiedPeers.UnionWith(changes.Changes.Select(c => c.Old?.Origin.PeerName).OfType<string>().Where(p => !remaining.Contains(p)));
            }

            var result = await PassAsync(
                [.. changes.Changes.Where(c => c.New is not null).Select(c => c.New!)],
                next.Revision,
                existing => existing.Where(o => hashes.Contains(o.GroupKey) || (o.Peer is { } peer && emptiedPeers.Contains(peer))),
                hashes.Count <= MaxHashesInSelector && emptiedPeers.Count == 0 ? hashes : null,
                "apply",
                cancellationToken).ConfigureAwait(false);
            foreach (var peer in emptiedPeers)
                Log.PeerRemoved(_logger, peer);
            _state = next;
            LastResult = result;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="desired"/> is <see langword="null"/>.</exception>
    /// <exception cref="IstioWriteException">Some objects could not be written; nothing was deleted.</exception>
    public async Task ReconcileAsync(CatalogSnapshot desired, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desired);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            LastResult = await PassAsync([.. desired], desired.Revision, existing => existing, null, "reconcile", cancellationToken).ConfigureAwait(false);
            _state = desired;
            _stateComplete = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _gate.Dispose();

    private async Task<ImportPassResult> PassAsync(
        IReadOnlyList<CatalogEntry> entries, long revision, Func<IEnumerable<OwnedObject>, IEnumerable<OwnedObject>> scope,
        IReadOnlySet<string>? onlyHashes, string operation, CancellationToken cancellationToken)
    {
        using var activity = IstioActivity.Source.StartActivity(IstioTelemetry.Name + ".ImportPass");
        activity?.SetTag(IstioTelemetryTags.Operation, operation);
        var started = _timeProvider.GetTimestamp();
        try
        {
            var versions = await _writer.ResolveVersionsAsync(Kinds, cancellationToken).ConfigureAwait(false);
            var schemas = await SchemasAsync(cancellationToken).ConfigureAwait(false);

            var findings = new List<ImportFinding>();
            var groups = new List<DesiredGroup>();
            var keep = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                var local = await LocalServiceAsync(entry, cancellationToken).ConfigureAwait(false);
                var built = _builder.Build(entry, local, revision);
                findings.AddRange(built.Findings);
                if (built.Objects is { } objects)
                    groups.Add(new DesiredGroup(objects.ServiceHash, objects.Key.Name, objects.Resources));
                else
                    keep.Add(entry.Key.Name);   // bad new data never removes what was written from good old data
            }

            foreach (var finding in findings)
                Log.ImportFinding(_logger, finding.ToString());

            var selector = onlyHashes is { Count: > 0 }
                ? OwnedImportSelector + "," + IstioObjectNaming.ServiceLabel + " in (" + string.Join(",", onlyHashes.Order(StringComparer.Ordinal)) + ")"
                : OwnedImportSelector;
            var listed = onlyHashes is { Count: 0 } ? [] : await _writer.ListOwnedAsync(versions, selector, cancellationToken).ConfigureAwait(false);
            var existing = scope(listed).Where(o => o.CatalogKey is not { } key || !keep.Contains(key)).ToList();
            var outcome = await _writer.WriteAsync(groups, existing, versions, schemas, _options.DryRunPreflight, cancellationToken).ConfigureAwait(false);

            _metrics?.ObjectsWritten("import", "apply", outcome.Applied);
            _metrics?.ObjectsWritten("import", "delete", outcome.Deleted);
            _metrics?.Reconciled("import", _timeProvider.GetElapsedTime(started), null);
            Log.PassCompleted(_logger, operation, revision, outcome.Applied, outcome.Unchanged, outcome.Deleted, outcome.HeldBack.Count);
            return new ImportPassResult(revision, outcome, findings);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _metrics?.Reconciled("import", _timeProvider.GetElapsedTime(started), ex);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            activity?.SetTag(IstioTelemetryTags.ErrorType, ex.GetType().FullName);
            throw;
        }
    }

    private async Task<IstioLocalService?> LocalServiceAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        var host = ImportObjectBuilder.HostOf(entry);
        return host is not null && _builder.LocalServiceOf(host) is var (ns, name)
            ? await _localServices.ReadAsync(ns, name, cancellationToken).ConfigureAwait(false)
            : null;
    }

    private async Task<CrdSchemaSet?> SchemasAsync(CancellationToken cancellationToken)
    {
        if (_schemasLoaded)
            return _schemas;
        try
        {
            var loaded = await _schemaLoader.LoadAsync(cancellationToken).ConfigureAwait(false);
            _schemas = loaded.Schemas.Count == 0 ? null : loaded;
        }
        catch (KubernetesApiException ex) when (ex.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            _schemas = null;
        }

        if (_schemas is null)
            Log.SchemasUnavailable(_logger);
        _schemasLoaded = true;
        return _schemas;
    }

    private static partial class Log
    {
        [LoggerMessage(4005, LogLevel.Warning, "Istio sink: {Finding}", EventName = nameof(ImportFinding))]
        public static partial void ImportFinding(ILogger logger, string finding);

        [LoggerMessage(4006, LogLevel.Information,
            "Istio import {Operation} at catalog revision {Revision}: {Applied} objects applied, {Unchanged} unchanged, {Deleted} deleted, {HeldBack} held back.",
            EventName = nameof(PassCompleted))]
        public static partial void PassCompleted(ILogger logger, string operation, long revision, int applied, int unchanged, int deleted, int heldBack);

        [LoggerMessage(4007, LogLevel.Warning,
            "The Istio CRDs could not be read from the cluster; objects are checked against the webhook rules only locally, and the API server still enforces the schema (fieldValidation=Strict).",
            EventName = nameof(SchemasUnavailable))]
        public static partial void SchemasUnavailable(ILogger logger);

        [LoggerMessage(4008, LogLevel.Information, "Peer '{Peer}' has no imports left; every object labelled with it was removed.", EventName = nameof(PeerRemoved))]
        public static partial void PeerRemoved(ILogger logger, string peer);
    }
}
