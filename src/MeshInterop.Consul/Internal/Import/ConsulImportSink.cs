using System.Collections.Concurrent;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Diff;
using MeshInterop.Consul.Internal.Client;
using MeshInterop.Consul.Telemetry;
using Microsoft.Extensions.Logging;

namespace MeshInterop.Consul.Internal.Import;

/// <summary>
/// Writes the imports of every peer into Consul as an <see cref="ICatalogSink"/> (reference §2, §3, §12, §14): one synthetic node per
/// peer, never an agent's node; deterministic service IDs; <c>/v1/txn</c> batches guarded by CAS on the indexes last read from the
/// leader; registrations before deregistrations; only entries carrying this owner's markers are ever changed or deleted.
/// <para/>
/// Concurrent <see cref="ApplyAsync"/> calls are coalesced (group commit): while one write pass runs, later batches accumulate and
/// go out together in the next pass. A caller returns once a pass that contains its changes has completed.
/// </summary>
internal sealed partial class ConsulImportSink : ICatalogSink, IDisposable
{
    private const int MaxConflictRetries = 3;

    private readonly ConsulHttpClient _client;
    private readonly ConsulImportOptions _options;
    private readonly ConsulMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ConsulImportConfigWriter? _configWriter;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, PeerNodeState> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _alerts = new(StringComparer.Ordinal);
    private Dictionary<ServiceKey, (CatalogEntry? Old, CatalogEntry? New)> _pending = [];
    private Ticket _ticket = new();
    private Dictionary<ServiceKey, CatalogEntry>? _known;

    public ConsulImportSink(ConsulHttpClient client, ConsulImportOptions options, ConsulMetrics metrics, ILogger<ConsulImportSink> logger,
        ConsulImportConfigWriter? configWriter = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        var problems = ConsulImportOptionsValidator.Validate(options);
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid {ConsulImportOptions.SectionName}: {string.Join(" ", problems)}", nameof(options));
        }

        _client = client;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _configWriter = configWriter;
    }

    /// <summary>Gets what currently keeps imports out of Consul (a node another owner holds, a name a local service uses), keyed by subject.</summary>
    public IReadOnlyDictionary<string, string> Alerts => _alerts;

    /// <summary>Gets a value indicating whether a complete desired state has been received, so periodic repair may run.</summary>
    public bool HasDesiredState
    {
        get
        {
            lock (_gate)
            {
                return _known is not null;
            }
        }
    }

    private sealed class Ticket
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Dispose() => _writeLock.Dispose();

    /// <inheritdoc/>
    public async Task ApplyAsync(CatalogDiff changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.IsEmpty)
        {
            return;
        }

        Ticket ticket;
        lock (_gate)
        {
            foreach (var change in changes)
            {
                // Only the newest entry matters (the sink is state-based); the oldest Old says where the key used to live.
                _pending[change.Key] = _pending.TryGetValue(change.Key, out var earlier) ? (earlier.Old ?? change.Old, change.New) : (change.Old, change.New);
            }

            ticket = _ticket;
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (ticket.Done.Task.IsCompleted)
            {
                await ticket.Done.Task.ConfigureAwait(false);
                return;
            }

            Dictionary<ServiceKey, (CatalogEntry? Old, CatalogEntry? New)> batch;
            Ticket taken;
            lock (_gate)
            {
                batch = _pending;
                taken = _ticket;
                _pending = [];
                _ticket = new Ticket();
            }

            try
            {
                await WriteChangesAsync(batch, cancellationToken).ConfigureAwait(false);
                taken.Done.TrySetResult();
            }
            catch
            {
                // Put the batch back under the next ticket (newer writes win) so the other waiters write it themselves.
                Ticket next;
                lock (_gate)
                {
                    foreach (var (key, change) in batch)
                    {
                        _pending[key] = _pending.TryGetValue(key, out var newer) ? (change.Old ?? newer.Old, newer.New) : change;
                    }

                    next = _ticket;
                }

                _ = ForwardAsync(next, taken);
                throw;
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private static async Task ForwardAsync(Ticket from, Ticket to)
    {
        try
        {
            await from.Done.Task.ConfigureAwait(false);
            to.Done.TrySetResult();
        }
        catch (Exception ex)
        {
            to.Done.TrySetException(ex);
        }
    }

    /// <inheritdoc/>
    public async Task ReconcileAsync(CatalogSnapshot desired, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var entries = new Dictionary<ServiceKey, CatalogEntry>();
        foreach (var entry in desired)
        {
            entries[entry.Key] = entry;
        }

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Batches queued by ApplyAsync stay queued: their callers still wait for them, and calls apply in lock order.
            await ReconcileCoreAsync(entries, cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                _known = entries;
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Reconciles Consul against the last complete desired state, repairing drift; false when none has been received yet.</summary>
    public async Task<bool> RepairAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Dictionary<ServiceKey, CatalogEntry>? known;
            lock (_gate)
            {
                known = _known is null ? null : new Dictionary<ServiceKey, CatalogEntry>(_known);
            }

            if (known is null)
            {
                return false;
            }

            await ReconcileCoreAsync(known, cancellationToken).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReconcileCoreAsync(Dictionary<ServiceKey, CatalogEntry> entries, CancellationToken cancellationToken)
    {
        var started = _client.TimeProvider.GetTimestamp();
        Exception? failure = null;
        try
        {
            // Nodes of peers no longer desired (unpeered while we were away) are found by our owner marker.
            var owned = await _client.GetNodesAsync(new ConsulQuery { NodeMeta = ImportMarkers.OwnerKey + ":" + _options.OwnerId }, cancellationToken).ConfigureAwait(false);
            var extraPeers = owned.Value
                .Select(n => n.Meta is { } meta && meta.TryGetValue(ImportMarkers.PeerKey, out var peer) ? peer : null)
                .OfType<string>();
            lock (_gate)
            {
                _states.Clear();      // a reconcile never trusts cached indexes
            }

            await WritePassAsync(entries.Values, [], extraPeers, complete: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            failure = ex;
            throw;
        }
        finally
        {
            _metrics.RecordImportReconcile(_client.TimeProvider.GetElapsedTime(started), failure);
        }
    }

    private async Task WriteChangesAsync(Dictionary<ServiceKey, (CatalogEntry? Old, CatalogEntry? New)> batch, CancellationToken cancellationToken)
    {
        var upserts = batch.Values.Select(c => c.New).OfType<CatalogEntry>().ToList();
        var removals = batch.Where(p => p.Value.New is null).Select(p => (p.Key, p.Value.Old?.Origin.PeerName)).ToList();
        var oldPeers = batch.Values.Select(c => c.Old?.Origin.PeerName).OfType<string>();
        await WritePassAsync(upserts, removals, oldPeers, complete: false, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (_known is { } known)
            {
                foreach (var entry in upserts)
                {
                    known[entry.Key] = entry;
                }

                foreach (var (key, _) in removals)
                {
                    known.Remove(key);
                }
            }
        }
    }

    /// <summary>
    /// One write pass: maps entries to instances, reads the affected nodes from the leader (or reuses indexes from the last pass),
    /// checks ownership and name conflicts, plans the transactions and sends them. A CAS conflict (409) re-reads and re-plans.
    /// </summary>
    private async Task WritePassAsync(IEnumerable<CatalogEntry> upserts, IReadOnlyList<(ServiceKey Key, string? Peer)> removals, IEnumerable<string> extraPeers,
        bool complete, CancellationToken cancellationToken)
    {
        if (_client.Edition is null)
        {
            // Namespaces and partitions are sent only once the server is known to be Enterprise.
            await _client.DetectEditionAsync(cancellationToken).ConfigureAwait(false);
        }

        var desired = new Dictionary<string, Dictionary<string, IReadOnlyList<DesiredInstance>>>(StringComparer.Ordinal);
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in upserts)
        {
            if (!ImportMapper.TryMap(entry, _options.OwnerId, out var peer, out var instances, out var problem))
            {
                // The last written version (if any) stays; the entry is reported, never half-written.
                keep.Add(entry.Key.Name);
                Alert("entry:" + entry.Key.Name, $"Import '{entry.Key.Name}' is not written: {problem}.");
                Log.ImportRejected(_logger, entry.Key.Name, problem!);
                continue;
            }

            ClearAlert("entry:" + entry.Key.Name);
            PeerDesired(desired, peer)[entry.Key.Name] = instances;
        }

        var peers = new HashSet<string>(desired.Keys, StringComparer.Ordinal);
        peers.UnionWith(extraPeers);
        peers.UnionWith(removals.Select(r => r.Peer).OfType<string>());
        lock (_gate)
        {
            peers.UnionWith(_states.Values.Select(s => s.Peer));
        }

        for (var attempt = 1; ; attempt++)
        {
            var states = await LoadStatesAsync(peers, cancellationToken).ConfigureAwait(false);
            var scopes = new List<PeerScope>();
            var blocked = await FindNameConflictsAsync(states, desired, cancellationToken).ConfigureAwait(false);
            foreach (var state in states)
            {
                if (!state.IsOwnedBy(_options.OwnerId))
                {
                    Alert("node:" + state.NodeName, $"Node '{state.NodeName}' exists without owner '{_options.OwnerId}' for peer '{state.Peer}'; imports from this peer are not written. Remove or rename that node.");
                    Log.NodeNotOwned(_logger, state.NodeName, state.Peer, _options.OwnerId);
                    continue;
                }

                ClearAlert("node:" + state.NodeName);
                var scope = new Dictionary<string, IReadOnlyList<DesiredInstance>>(StringComparer.Ordinal);
                if (desired.TryGetValue(state.Peer, out var wanted))
                {
                    foreach (var (name, instances) in wanted)
                    {
                        if (!blocked.Contains(name))
                        {
                            scope[name] = instances;
                        }
                    }
                }

                if (!complete)
                {
                    // State-based: a changed key lives only on the node of its current peer, so it is removed from every other node.
                    foreach (var name in removals.Select(r => r.Key.Name).Concat(desired.Where(d => d.Key != state.Peer).SelectMany(d => d.Value.Keys)))
                    {
                        if (!scope.ContainsKey(name) && !blocked.Contains(name) && !keep.Contains(name)
                            && state.Services.Values.Any(s => string.Equals(s.Service, name, StringComparison.OrdinalIgnoreCase)))
                        {
                            scope[name] = [];
                        }
                    }
                }

                if (state.Partial)
                {
                    Log.PartialViewNoReap(_logger, state.NodeName);
                }

                scopes.Add(new PeerScope(state, scope, complete, blocked.Union(keep).ToHashSet(StringComparer.Ordinal), NodeAddressFor(wanted)));
            }

            var plan = ImportPlanner.Plan(scopes, _options.OwnerId, _options.MaxTransactionOperations);
            try
            {
                await ExecuteAsync(plan, cancellationToken).ConfigureAwait(false);
                Log.ImportWritten(_logger, plan.Registered, plan.Updated, plan.Deregistered, plan.NodesDeleted, plan.Transactions.Count);
                break;
            }
            catch (ConsulTransactionConflictException ex) when (!ex.IsAccessDenied && attempt < MaxConflictRetries)
            {
                // Someone changed what we read (or a CAS index went stale): nothing of that transaction applied; re-read and re-plan.
                Log.TransactionRetried(_logger, attempt, ex.ServerMessage ?? string.Empty);
                Invalidate(states);
            }
            catch (ConsulException ex)
            {
                Invalidate(states);
                if (ex is ConsulAccessDeniedException or ConsulTransactionConflictException { IsAccessDenied: true })
                {
                    Alert("acl", "The Consul token may not write the imports: " + ex.Message);
                }

                throw;
            }
        }

        ClearAlert("acl");
        if (_configWriter is not null)
        {
            await _configWriter.SyncAsync(desired, complete, removals.Select(r => r.Key.Name), cancellationToken).ConfigureAwait(false);
        }
    }

    private static Dictionary<string, IReadOnlyList<DesiredInstance>> PeerDesired(Dictionary<string, Dictionary<string, IReadOnlyList<DesiredInstance>>> desired, string peer)
    {
        if (!desired.TryGetValue(peer, out var names))
        {
            desired[peer] = names = new Dictionary<string, IReadOnlyList<DesiredInstance>>(StringComparer.Ordinal);
        }

        return names;
    }

    private string NodeAddressFor(Dictionary<string, IReadOnlyList<DesiredInstance>>? wanted) =>
        _options.NodeAddress
        ?? wanted?.OrderBy(p => p.Key, StringComparer.Ordinal).SelectMany(p => p.Value).Select(i => i.Address).FirstOrDefault()
        ?? "127.0.0.1";

    /// <summary>Reads each peer's node from the leader unless its indexes are cached from the last successful pass.</summary>
    private async Task<List<PeerNodeState>> LoadStatesAsync(IEnumerable<string> peers, CancellationToken cancellationToken)
    {
        var result = new List<PeerNodeState>();
        foreach (var peer in peers.Order(StringComparer.Ordinal))
        {
            var nodeName = ImportMapper.NodeName(peer);
            PeerNodeState? cached;
            lock (_gate)
            {
                _states.TryGetValue(nodeName, out cached);
            }

            if (cached is null)
            {
                cached = await ReadStateAsync(peer, nodeName, cancellationToken).ConfigureAwait(false);
                lock (_gate)
                {
                    _states[nodeName] = cached;
                }
            }

            result.Add(cached);
        }

        return result;
    }

    private async Task<PeerNodeState> ReadStateAsync(string peer, string nodeName, CancellationToken cancellationToken)
    {
        // Default consistency: served by the leader, so the indexes are current and a deletion is confirmed by a non-stale read.
        var services = await _client.GetNodeServicesAsync(nodeName, ConsulQuery.Default, cancellationToken).ConfigureAwait(false);
        var checks = await _client.GetNodeChecksAsync(nodeName, ConsulQuery.Default, cancellationToken).ConfigureAwait(false);
        var state = new PeerNodeState(peer, nodeName)
        {
            Node = services.Value?.Node,
            Partial = services.Meta.ResultsFilteredByAcls || checks.Meta.ResultsFilteredByAcls,
        };
        foreach (var service in services.Value?.Services ?? [])
        {
            if (service.ID is { Length: > 0 } id && service.Meta is { } meta && meta.TryGetValue(ImportMarkers.OwnerKey, out var owner)
                && string.Equals(owner, _options.OwnerId, StringComparison.Ordinal))
            {
                state.Services[id] = service;
            }
            else
            {
                state.ForeignServices++;
            }
        }

        foreach (var check in checks.Value)
        {
            state.Checks[check.CheckID] = check;
        }

        return state;
    }

    /// <summary>
    /// Names an import would newly take that already hold instances this owner did not write (a local service, another
    /// deployment's import): such imports are withheld, never merged into someone else's service.
    /// </summary>
    private async Task<HashSet<string>> FindNameConflictsAsync(List<PeerNodeState> states,
        Dictionary<string, Dictionary<string, IReadOnlyList<DesiredInstance>>> desired, CancellationToken cancellationToken)
    {
        var blocked = new HashSet<string>(StringComparer.Ordinal);
        var held = states.SelectMany(s => s.Services.Values).Select(s => s.Service).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var fresh = desired.Values.SelectMany(d => d).Where(p => p.Value.Count > 0 && !held.Contains(p.Key)).Select(p => p.Key).ToList();
        var candidates = new List<string>();
        foreach (var name in desired.Values.SelectMany(d => d.Keys).Where(n => _alerts.ContainsKey("name:" + n)))
        {
            candidates.Add(name);    // a withheld name is checked again on every pass, so it is written once the conflict goes away
        }

        if (fresh.Count > 0)
        {
            var catalog = await _client.GetServicesAsync(ConsulQuery.Default, cancellationToken).ConfigureAwait(false);
            var existing = new HashSet<string>(catalog.Value.Keys, StringComparer.OrdinalIgnoreCase);
            candidates.AddRange(fresh.Where(existing.Contains));
        }

        foreach (var name in candidates.Distinct(StringComparer.Ordinal))
        {
            var rows = await _client.GetServiceAsync(name, ConsulQuery.Default, cancellationToken).ConfigureAwait(false);
            var foreign = rows.Value.FirstOrDefault(r => !(r.ServiceMeta is { } meta && meta.TryGetValue(ImportMarkers.OwnerKey, out var owner)
                && string.Equals(owner, _options.OwnerId, StringComparison.Ordinal)));
            if (foreign is not null)
            {
                blocked.Add(name);
                Alert("name:" + name, $"Service name '{name}' already has instances MeshInterop owner '{_options.OwnerId}' did not write (node '{foreign.Node}'); the import is not written.");
                Log.ImportNameConflict(_logger, name, foreign.Node);
            }
            else
            {
                ClearAlert("name:" + name);
            }
        }

        return blocked;
    }

    private async Task ExecuteAsync(ImportPlan plan, CancellationToken cancellationToken)
    {
        foreach (var transaction in plan.Transactions)
        {
            var results = await _client.TransactAsync(transaction, cancellationToken).ConfigureAwait(false);
            Remember(transaction, results);
            _metrics.RecordImportTransaction(transaction);
        }
    }

    /// <summary>Keeps the indexes the transaction returned, so the next pass can use CAS without reading again.</summary>
    private void Remember(IReadOnlyList<TxnOp> transaction, List<TxnResult> results)
    {
        lock (_gate)
        {
            var next = 0;
            foreach (var op in transaction)
            {
                var verb = op.Node?.Verb ?? op.Service?.Verb ?? op.Check?.Verb ?? string.Empty;
                var returnsResult = verb is "set" or "cas";
                var result = returnsResult && next < results.Count ? results[next++] : null;
                if (op.Node is { } nodeOp)
                {
                    if (_states.TryGetValue(nodeOp.Node.Node, out var state))
                    {
                        if (verb is "delete" or "delete-cas")
                        {
                            _states.Remove(nodeOp.Node.Node);
                        }
                        else if (result?.Node is { } node)
                        {
                            state.Node = node;
                        }
                        else
                        {
                            _states.Remove(nodeOp.Node.Node);
                        }
                    }
                }
                else if (op.Service is { } serviceOp && _states.TryGetValue(serviceOp.Node, out var state))
                {
                    if (verb is "delete" or "delete-cas")
                    {
                        state.Services.Remove(serviceOp.Service.ID!);
                        state.Checks.Remove(ImportMarkers.CheckIdPrefix + serviceOp.Service.ID);
                    }
                    else if (result?.Service is { } service)
                    {
                        state.Services[service.ID ?? serviceOp.Service.ID!] = service;
                    }
                    else
                    {
                        _states.Remove(serviceOp.Node);
                    }
                }
                else if (op.Check is { } checkOp && checkOp.Check.Node is { } checkNode && _states.TryGetValue(checkNode, out var checkState))
                {
                    if (result?.Check is { } check)
                    {
                        checkState.Checks[check.CheckID] = check;
                    }
                    else
                    {
                        _states.Remove(checkNode);
                    }
                }
            }
        }
    }

    private void Invalidate(IEnumerable<PeerNodeState> states)
    {
        lock (_gate)
        {
            foreach (var state in states)
            {
                _states.Remove(state.NodeName);
            }
        }
    }

    private void Alert(string subject, string message)
    {
        if (_alerts.TryGetValue(subject, out var existing) && string.Equals(existing, message, StringComparison.Ordinal))
        {
            return;
        }

        _alerts[subject] = message;
    }

    private void ClearAlert(string subject) => _alerts.TryRemove(subject, out _);
}
