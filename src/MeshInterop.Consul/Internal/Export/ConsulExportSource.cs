using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using MeshInterop.Catalog;
using MeshInterop.Consul.Internal.Client;
using MeshInterop.Consul.Internal.Watch;
using MeshInterop.Consul.Telemetry;
using Microsoft.Extensions.Logging;

namespace MeshInterop.Consul.Internal.Export;

/// <summary>
/// The services a Consul datacenter exports, as an <see cref="ICatalogSource"/>. One stale blocking watch follows the
/// selection (the <c>exported-services</c> entry and the service list), one <c>health/service</c> watch runs per selected
/// service and stops when the service is no longer selected, and one watch follows the mesh gateways. The initial state
/// is sent once every selected service has been read; afterwards only entries whose content changed are sent.
/// </summary>
internal sealed partial class ConsulExportSource : ICatalogSource
{
    private const string ConfigSelection = "exported-services";
    private const string CatalogSelection = "catalog-services";

    private readonly ConsulHttpClient _client;
    private readonly ConsulExportOptions _options;
    private readonly ConsulMetrics _metrics;
    private readonly ILogger _logger;
    private readonly ImmutableArray<GatewayAddress> _configuredGateways;
    private readonly MeshInterop.Catalog.Validation.CatalogEntryValidator _validator = new();

    public ConsulExportSource(ConsulHttpClient client, ConsulExportOptions options, ConsulMetrics metrics, ILogger<ConsulExportSource> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(logger);
        var problems = ConsulExportOptionsValidator.Validate(options);
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid {ConsulExportOptions.SectionName}: {string.Join(" ", problems)}", nameof(options));
        }

        _client = client;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _configuredGateways = [.. options.GatewayAddresses.Select(text => GatewayAddress.TryParse(text, out var address) ? address : default)];
    }

    private abstract record ExportEvent;

    private sealed record SelectionEvent(string Source, IReadOnlyList<(string Name, string? Namespace)> Services, bool Partial) : ExportEvent;

    private sealed record CatalogEvent(Dictionary<string, List<string>?> Services, bool Partial) : ExportEvent;

    /// <summary>An answer of one service watch; <paramref name="Watch"/> tells it from a stopped watch of the same target that answered late.</summary>
    private sealed record ServiceEvent(string TargetId, CancellationTokenSource Watch, List<ServiceEntry> Entries, bool Partial) : ExportEvent;

    private sealed record GatewaysEvent(ImmutableArray<GatewayAddress> Gateways) : ExportEvent;

    private sealed record FaultEvent(Exception Error) : ExportEvent;

    private sealed class ServiceWatch(ExportTarget target, CancellationTokenSource stop, Task running)
    {
        public ExportTarget Target { get; set; } = target;

        public CancellationTokenSource Stop { get; } = stop;

        public Task Running { get; } = running;

        public List<ServiceEntry>? Entries { get; set; }
    }

    public async IAsyncEnumerable<CatalogSourceUpdate> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var self = await _client.GetAgentSelfAsync(cancellationToken).ConfigureAwait(false);
        var datacenter = self.Config?.Datacenter is { Length: > 0 } dc ? dc : "dc1";
        var edition = _client.Edition ?? await _client.DetectEditionAsync(cancellationToken).ConfigureAwait(false);
        var partition = edition == ConsulEdition.Enterprise ? _client.Options.Partition : null;
        var trustDomain = _options.TrustDomain ?? await ReadTrustDomainAsync(cancellationToken).ConfigureAwait(false);

        using var stopAll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var events = Channel.CreateUnbounded<ExportEvent>(new UnboundedChannelOptions { SingleReader = true });
        var selectionTasks = new List<Task>();
        var selections = new Dictionary<string, IReadOnlyList<(string Name, string? Namespace)>>(StringComparer.Ordinal);
        var pendingSelections = new HashSet<string>(StringComparer.Ordinal);
        var watches = new Dictionary<string, ServiceWatch>(StringComparer.Ordinal);
        var emitted = new Dictionary<ServiceKey, CatalogEntry>();
        var gateways = _configuredGateways;
        var gatewaysReady = true;
        var initialSent = false;

        if (_options.ExportedServicesConsumer is { } consumer)
        {
            // On CE the entry is always named "default"; on Enterprise it is named after the partition.
            var entryName = partition ?? "default";
            pendingSelections.Add(ConfigSelection);
            selectionTasks.Add(RunAsync(Watch<ConfigEntry?>("exported-services", entryName,
                    (q, ct) => _client.GetConfigEntryAsync("exported-services", entryName, q, ct), RemovesNames(consumer)),
                u => new SelectionEvent(ConfigSelection, ConsulExportMapper.ExportedTo(u.Value, consumer), u.IsPartial), events.Writer, stopAll.Token));
        }

        pendingSelections.Add(CatalogSelection);
        selectionTasks.Add(RunAsync(Watch<Dictionary<string, List<string>?>>("catalog-services", "*",
                (q, ct) => _client.GetServicesAsync(q, ct), (before, after) => before.Keys.Any(k => !after.ContainsKey(k))),
            u => new CatalogEvent(u.Value, u.IsPartial), events.Writer, stopAll.Token));

        if (_configuredGateways.IsEmpty && _options.MeshGatewayService is { } gatewayService)
        {
            gatewaysReady = false;
            selectionTasks.Add(RunAsync(Watch<List<ServiceEntry>>("mesh-gateways", gatewayService,
                    (q, ct) => _client.GetHealthServiceAsync(gatewayService, q, ct), isRemoval: null),
                u => new GatewaysEvent(ConsulExportMapper.GatewaysOf(u.Value)), events.Writer, stopAll.Token));
        }

        Dictionary<string, List<string>?> catalogTags = [];
        var built = new Dictionary<string, CatalogEntry?>(StringComparer.Ordinal);
        var rebuildAll = false;

        // Targets whose data changed since the last build: kept across events, because a build waits while a newly
        // selected service has not answered yet, and a change that arrived meanwhile must not be forgotten.
        var changedTargets = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (var next in events.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                switch (next)
                {
                    case FaultEvent fault:
                        Log.SourceFailed(_logger, fault.Error);
                        throw fault.Error;
                    case SelectionEvent selection:
                        pendingSelections.Remove(selection.Source);
                        selections[selection.Source] = selection.Partial && selections.TryGetValue(selection.Source, out var previous)
                            ? [.. previous.Union(selection.Services)]     // an ACL-filtered list never withdraws an export
                            : selection.Services;
                        if (pendingSelections.Count == 0)
                        {
                            Reselect(selections, catalogTags, watches, events.Writer, changedTargets, stopAll.Token);
                        }

                        break;
                    case CatalogEvent catalog:
                        pendingSelections.Remove(CatalogSelection);
                        catalogTags = catalog.Partial
                            ? catalogTags.Concat(catalog.Services).GroupBy(p => p.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal)
                            : catalog.Services;
                        if (pendingSelections.Count == 0)
                        {
                            Reselect(selections, catalogTags, watches, events.Writer, changedTargets, stopAll.Token);
                        }

                        break;
                    case ServiceEvent service when watches.TryGetValue(service.TargetId, out var watch) && ReferenceEquals(watch.Stop, service.Watch):
                        watch.Entries = service.Partial && watch.Entries is { } known
                            ? [.. known.Where(k => service.Entries.All(e => !SameInstance(e, k))), .. service.Entries]
                            : service.Entries;
                        changedTargets.Add(service.TargetId);
                        break;
                    case GatewaysEvent gatewayUpdate:
                        gatewaysReady = true;
                        rebuildAll |= !gatewayUpdate.Gateways.SequenceEqual(gateways);
                        gateways = gatewayUpdate.Gateways;
                        break;
                }

                if (pendingSelections.Count > 0 || !gatewaysReady || watches.Values.Any(w => w.Entries is null))
                {
                    continue;
                }

                // Only targets whose data changed are rebuilt, unless the gateways (shared by every entry) changed.
                foreach (var id in built.Keys.Where(id => !watches.ContainsKey(id)).ToList())
                {
                    built.Remove(id);
                }

                foreach (var (id, watch) in watches)
                {
                    if (rebuildAll || !initialSent || changedTargets.Contains(id) || !built.ContainsKey(id))
                    {
                        built[id] = Validated(ConsulExportMapper.Build(watch.Target, watch.Entries!, gateways, _options, datacenter, partition, trustDomain),
                            built.GetValueOrDefault(id));
                    }
                }

                rebuildAll = false;
                changedTargets.Clear();
                var desired = new Dictionary<ServiceKey, CatalogEntry>();
                foreach (var entry in built.Values)
                {
                    if (entry is not null)
                    {
                        desired[entry.Key] = entry;
                    }
                }

                if (!initialSent)
                {
                    initialSent = true;
                    foreach (var (key, entry) in desired)
                    {
                        emitted[key] = entry;
                    }

                    Log.InitialStateRead(_logger, desired.Count, watches.Count);
                    yield return CatalogSourceUpdate.FullState(desired.Values.OrderBy(e => e.Key));
                    continue;
                }

                var upserts = desired.Values.Where(e => !emitted.TryGetValue(e.Key, out var old) || !old.Equals(e)).OrderBy(e => e.Key).ToList();
                var removals = emitted.Keys.Where(k => !desired.ContainsKey(k)).Order().ToList();
                if (upserts.Count == 0 && removals.Count == 0)
                {
                    continue;
                }

                foreach (var entry in upserts)
                {
                    emitted[entry.Key] = entry;
                }

                foreach (var key in removals)
                {
                    emitted.Remove(key);
                }

                yield return CatalogSourceUpdate.Changes(upserts, removals);
            }
        }
        finally
        {
            await stopAll.CancelAsync().ConfigureAwait(false);
            foreach (var watch in watches.Values)
            {
                await watch.Stop.CancelAsync().ConfigureAwait(false);
            }

            await Task.WhenAll(selectionTasks.Concat(watches.Values.Select(w => w.Running))).ConfigureAwait(false);
            foreach (var watch in watches.Values)
            {
                watch.Stop.Dispose();
            }
        }
    }

    /// <summary>
    /// An entry that fails the catalog's validation (a malformed address, a service over the size limits) is never sent:
    /// the last valid version of it stays in place, and the problem is logged with every field path.
    /// </summary>
    private CatalogEntry? Validated(CatalogEntry? entry, CatalogEntry? lastValid)
    {
        if (entry is null)
        {
            return null;
        }

        var result = _validator.Validate(entry);
        if (result.IsValid)
        {
            return entry;
        }

        Log.EntryRejected(_logger, entry.Key.Name, result.ToString());
        return lastValid;
    }

    /// <summary>Reads the mesh trust domain from the Connect CA; without Connect (or on any failure) entries carry no SNI and no SAN.</summary>
    private async Task<string?> ReadTrustDomainAsync(CancellationToken cancellationToken)
    {
        try
        {
            var roots = await _client.GetCaRootsAsync(new ConsulQuery { Consistency = ConsulConsistency.Stale }, cancellationToken).ConfigureAwait(false);
            if (roots.Value.TrustDomain is { Length: > 0 } trustDomain && MeshInterop.Catalog.Validation.DnsNames.IsDns1123Subdomain(trustDomain))
            {
                Log.TrustDomainRead(_logger, trustDomain);
                return trustDomain;
            }
        }
        catch (ConsulException ex)
        {
            Log.TrustDomainUnavailable(_logger, ex);
            return null;
        }

        Log.TrustDomainUnavailable(_logger, null);
        return null;
    }

    /// <summary>Starts watches for newly selected services and stops those no longer selected.</summary>
    private void Reselect(Dictionary<string, IReadOnlyList<(string Name, string? Namespace)>> selections, Dictionary<string, List<string>?> catalogTags,
        Dictionary<string, ServiceWatch> watches, ChannelWriter<ExportEvent> writer, HashSet<string> changed, CancellationToken stopAll)
    {
        var targets = new Dictionary<string, ExportTarget>(StringComparer.Ordinal);
        var catalogNames = catalogTags.Keys.Where(n => !string.Equals(n, "consul", StringComparison.Ordinal)).ToList();
        if (selections.TryGetValue(ConfigSelection, out var configured))
        {
            foreach (var (name, ns) in configured)
            {
                // "*" exports every service of its namespace; on CE (and for the configured namespace) that is the service list.
                var names = string.Equals(name, "*", StringComparison.Ordinal) ? catalogNames : [name];
                foreach (var each in names.Where(n => !string.Equals(n, "consul", StringComparison.Ordinal)))
                {
                    // Consul's own "consul" service cannot be exported (Consul issue #21624), even when named explicitly.
                    var target = new ExportTarget(each, ns, ByConfigEntry: true);
                    targets[target.Id] = target;
                }
            }
        }

        foreach (var name in catalogNames)
        {
            var byTag = _options.ExportTag is { } tag && (catalogTags[name] ?? []).Contains(tag, StringComparer.Ordinal);
            var byMeta = _options.ExportMetaKey is not null;
            var target = new ExportTarget(name, null, ByConfigEntry: false);
            if ((byTag || byMeta) && !targets.ContainsKey(target.Id))
            {
                targets[target.Id] = target;
            }
        }

        foreach (var (id, watch) in watches.Where(w => !targets.ContainsKey(w.Key)).ToList())
        {
            watch.Stop.Cancel();
            watches.Remove(id);
            changed.Add(id);
            Log.ServiceUnselected(_logger, id);
        }

        foreach (var (id, target) in targets)
        {
            if (watches.TryGetValue(id, out var existing))
            {
                if (existing.Target != target)
                {
                    existing.Target = target;
                    changed.Add(id);
                }

                continue;
            }

            var stop = CancellationTokenSource.CreateLinkedTokenSource(stopAll);
            var query = new ConsulQuery { Consistency = ConsulConsistency.Stale, Namespace = target.Namespace };
            var watch = new BlockingQueryWatch<List<ServiceEntry>>("health-service", target.Id,
                (q, ct) => _client.GetHealthServiceAsync(target.Name, q with { Namespace = target.Namespace }, ct), query,
                (before, after) => before.Any(b => after.All(a => !SameInstance(a, b))), _client.Options, _client.TimeProvider, _metrics, _logger);
            var running = RunAsync(watch, u => new ServiceEvent(id, stop, u.Value, u.IsPartial), writer, stop.Token);
            watches[id] = new ServiceWatch(target, stop, running);
            Log.ServiceSelected(_logger, id);
        }
    }

    private static bool SameInstance(ServiceEntry a, ServiceEntry b) =>
        string.Equals(a.Node?.Node, b.Node?.Node, StringComparison.OrdinalIgnoreCase) && string.Equals(a.Service?.ID, b.Service?.ID, StringComparison.Ordinal);

    private static Func<ConfigEntry?, ConfigEntry?, bool> RemovesNames(string consumer) =>
        (before, after) => ConsulExportMapper.ExportedTo(before, consumer).Except(ConsulExportMapper.ExportedTo(after, consumer)).Any();

    private BlockingQueryWatch<T> Watch<T>(string kind, string target, Func<ConsulQuery, CancellationToken, Task<QueryResult<T>>> fetch, Func<T, T, bool>? isRemoval) =>
        BlockingQueryWatch<T>.Stale(kind, target, fetch, isRemoval, _client.Options, _client.TimeProvider, _metrics, _logger);

    private static async Task RunAsync<T>(BlockingQueryWatch<T> watch, Func<WatchUpdate<T>, ExportEvent> map, ChannelWriter<ExportEvent> writer, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in watch.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                await writer.WriteAsync(map(update), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped: the service is no longer selected, or the source is shutting down.
        }
        catch (Exception ex)
        {
            // Any other failure ends the source: the consumer keeps its last state and restarts it.
            writer.TryWrite(new FaultEvent(ex));
        }
    }
}
