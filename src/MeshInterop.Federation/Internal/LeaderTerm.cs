using System.Diagnostics;
using Grpc.Net.Client;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Diff;
using MeshInterop.Catalog.Import;
using MeshInterop.Catalog.Resync;
using MeshInterop.Federation.Leadership;
using MeshInterop.Protocol.Consumer;
using Microsoft.Extensions.Logging;

namespace MeshInterop.Federation.Internal;

/// <summary>
/// One leadership of this replica: consumes every peer into a fresh import view and keeps the sink equal to it.
/// <para/>
/// A new leader does not know what an earlier leader wrote, so it writes nothing until every peer has resynced
/// (snapshot received and swept), then makes the sink equal to the view in one <see cref="ICatalogSink.ReconcileAsync"/>:
/// live imports are never deleted for lack of news and nothing is written twice. If some peer has not resynced after
/// <see cref="MeshFederationOptions.LeaderResyncTimeout"/>, it writes additions and updates only, and reconciles once
/// every peer has resynced. Every sink call is made under the lease's <see cref="ILeadershipLease.Lost"/> token,
/// and none starts after it fired.
/// </summary>
internal sealed class LeaderTerm(FederationAgent agent, FederationStatus status, ICatalogSink? sink, FederationMetrics? metrics, ILogger logger)
{
    private static readonly TimeSpan MaxSinkRetryDelay = TimeSpan.FromSeconds(30);

    public async Task RunAsync(ILeadershipLease lease, CancellationToken stopping)
    {
        using var term = CancellationTokenSource.CreateLinkedTokenSource(stopping, lease.Lost);
        var cancellation = term.Token;
        var options = agent.Options;
        var time = agent.TimeProvider;
        var signal = new ChangeSignal();
        var progress = new SinkProgress();
        var view = new ImportView(agent.Naming, options.ImportCollisions, time);

        // Import sessions carry one disconnected TTL each, so peers are grouped by theirs; all share one view.
        var sessions = new Dictionary<TimeSpan, (ImportSessions Sessions, CatalogImportHandler Handler)>();
        var sessionsOf = new ImportSessions[agent.Peers.Length];
        var consumers = new List<(HamletConsumer Consumer, GrpcChannel Channel)>();
        agent.Store.Imports.Publish([]);
        status.BeginTerm(view);
        FederationLog.LeadershipAcquired(logger, agent.Peers.Length);
        try
        {
            foreach (var peer in agent.Peers)
            {
                var ttl = peer.DisconnectedTtl ?? TimeSpan.Zero;
                if (!sessions.TryGetValue(ttl, out var group))
                {
                    var created = new ImportSessions(
                        view,
                        new ImportSessionOptions { DisconnectedTtl = ttl, SnapshotGracePeriod = options.SnapshotGracePeriod, MaxImportsPerPeer = options.MaxImportsPerPeer },
                        time,
                        changes => Published(changes, signal),
                        agent.MeterFactory);
                    sessions[ttl] = group = (created, new CatalogImportHandler(created));
                }

                sessionsOf[peer.Index] = group.Sessions;
                var tls = agent.ClientTls(peer);
                var channel = GrpcChannel.ForAddress(peer.Address, new GrpcChannelOptions
                {
                    HttpHandler = tls.CreateHttpHandler(HamletConsumerChannel.ConfigureKeepAlive),
                    MaxReceiveMessageSize = options.Protocol.MaxReceiveMessageSize,
                    LoggerFactory = agent.LoggerFactory,
                });
                var consumer = new HamletConsumer(
                    peer.Consumer,
                    channel.CreateCallInvoker(),
                    new TrackingImportHandler(group.Handler, status, peer.Index, signal, progress, SinkBudget(options), time),
                    time,
                    agent.LoggerFactory.CreateLogger<HamletConsumer>(),
                    agent.MeterFactory);
                var index = peer.Index;
                consumer.StatusChanged += (_, state) =>
                {
                    status.Consumer(index, state);
                    if (state.State == HamletConsumerState.Failed)
                        FederationLog.PeerFailed(logger, agent.Peers[index].Name, state.LastError);
                    signal.Set();
                };
                consumers.Add((consumer, channel));
                await consumer.StartAsync(cancellation).ConfigureAwait(false);
            }

            var localNames = FollowLocalNamesAsync(view, signal, cancellation);
            var bundles = RetryFailedOnNewBundlesAsync(consumers, cancellation);
            try
            {
                await WriteAsync(view, sessionsOf, lease, signal, progress, cancellation).ConfigureAwait(false);
            }
            finally
            {
                await localNames.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await bundles.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // Stopping or leadership lost: the finally block steps down.
        }
        finally
        {
            progress.Close();
            foreach (var (consumer, channel) in consumers)
            {
                await consumer.StopAsync(purge: false, CancellationToken.None).ConfigureAwait(false);
                channel.Dispose();
            }

            foreach (var group in sessions.Values)
                group.Sessions.Dispose();
            status.BeginTerm(null);
            agent.Store.Imports.Publish([]);
        }
    }

    // A consumer answers within the owner's ACK timeout (30 s by default): NACK Unavailable well before it.
    private static TimeSpan SinkBudget(MeshFederationOptions options) => options.Protocol.AckTimeout / 2;

    private async Task WriteAsync(ImportView view, ImportSessions[] sessionsOf, ILeadershipLease lease, ChangeSignal signal, SinkProgress progress, CancellationToken cancellation)
    {
        var time = agent.TimeProvider;
        var started = time.GetTimestamp();
        var synced = new bool[agent.Peers.Length];
        var written = CatalogSnapshot.Empty;
        var reconciled = false;
        var reconcileNeeded = true;
        var timedOutLogged = false;
        var failures = 0;
        var deadline = Task.Delay(agent.Options.LeaderResyncTimeout, time, cancellation);
        while (true)
        {
            cancellation.ThrowIfCancellationRequested();
            var next = signal.Next;
            var allSynced = true;
            for (var i = 0; i < synced.Length; i++)
            {
                var now = sessionsOf[i].GetState(agent.Peers[i].Name) == ImportSessionState.Synced;
                if (now && !synced[i])
                    status.Synced(i);
                synced[i] = now;
                allSynced &= now;
            }

            if (!reconciled && !allSynced && !deadline.IsCompleted)
            {
                // Still resyncing: write nothing yet, wake on news or at the deadline.
                await Task.WhenAny(next, deadline).ConfigureAwait(false);
                continue;
            }

            if (!reconciled && !allSynced && !timedOutLogged)
            {
                timedOutLogged = true;
                FederationLog.ResyncTimedOut(logger, string.Join(", ", agent.Peers.Where(p => !synced[p.Index]).Select(p => p.Name)), agent.Options.LeaderResyncTimeout.TotalSeconds);
            }

            var generation = progress.Requested;
            var desired = CatalogSnapshot.Create(view.GetEntries());
            agent.Store.Imports.Publish(desired);
            var reconcile = allSynced && reconcileNeeded;
            try
            {
                if (reconcile)
                {
                    await ReconcileAsync(desired, lease, cancellation).ConfigureAwait(false);
                    reconcileNeeded = false;
                    if (!reconciled)
                    {
                        reconciled = true;
                        var took = time.GetElapsedTime(started);
                        metrics?.Resynced(took);
                        FederationLog.Resynced(logger, took.TotalSeconds, desired.Count);
                    }
                }
                else
                {
                    await ApplyAsync(CatalogDiffer.Diff(written, desired), lease, cancellation).ConfigureAwait(false);
                }

                written = desired;
                failures = 0;
                if (sink is not null)
                    progress.Written(generation);
            }
            catch (Exception ex) when (!cancellation.IsCancellationRequested)
            {
                // The sink may be partly written: reconcile once every peer is in sync, retry with backoff meanwhile.
                failures++;
                reconcileNeeded = true;
                var delay = TimeSpan.FromSeconds(Math.Min(MaxSinkRetryDelay.TotalSeconds, Math.Pow(2, Math.Min(failures - 1, 5))));
                FederationLog.SinkFailed(logger, ex, reconcile ? FederationMetrics.Reconcile : FederationMetrics.Apply, delay.TotalSeconds);
                await Task.Delay(delay, time, cancellation).ConfigureAwait(false);
                continue;
            }

            await next.WaitAsync(cancellation).ConfigureAwait(false);
        }
    }

    private async Task ReconcileAsync(CatalogSnapshot desired, ILeadershipLease lease, CancellationToken cancellation)
    {
        if (sink is null)
            return;
        await WriteToSinkAsync(FederationMetrics.Reconcile, null, lease, token => sink.ReconcileAsync(desired, token), cancellation).ConfigureAwait(false);
    }

    private async Task ApplyAsync(CatalogDiff diff, ILeadershipLease lease, CancellationToken cancellation)
    {
        if (sink is null || diff.IsEmpty)
            return;
        await WriteToSinkAsync(FederationMetrics.Apply, diff, lease, token => sink.ApplyAsync(diff, token), cancellation).ConfigureAwait(false);
        FederationLog.SinkApplied(logger, diff.Count);
    }

    private async Task WriteToSinkAsync(string operation, CatalogDiff? diff, ILeadershipLease lease, Func<CancellationToken, Task> write, CancellationToken cancellation)
    {
        // Checked here, right before the call: a replica that lost leadership never starts another write.
        cancellation.ThrowIfCancellationRequested();
        lease.Lost.ThrowIfCancellationRequested();
        using var activity = FederationActivity.Source.StartActivity("meshinterop.federation.sink." + operation);
        var started = agent.TimeProvider.GetTimestamp();
        try
        {
            await write(lease.Lost).ConfigureAwait(false);
            metrics?.SinkWritten(operation, diff, agent.TimeProvider.GetElapsedTime(started), FederationMetrics.Success);
            if (activity is { IsAllDataRequested: true } && diff is not null)
                activity.SetTag("meshinterop.sink.changes", diff.Count);
        }
        catch (Exception ex)
        {
            var outcome = lease.Lost.IsCancellationRequested ? FederationMetrics.LeadershipLost : FederationMetrics.Failure;
            metrics?.SinkWritten(operation, diff, agent.TimeProvider.GetElapsedTime(started), outcome);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            activity?.SetTag("error.type", ex.GetType().FullName);
            throw;
        }
    }

    // A peer that failed fatally (its certificate did not verify, say) gets one more chance whenever the bundles
    // change: a peer that rotated its CA before this agent refreshed its bundle reconnects without a restart.
    private async Task RetryFailedOnNewBundlesAsync(List<(HamletConsumer Consumer, GrpcChannel Channel)> consumers, CancellationToken cancellation)
    {
        var generation = agent.Bundles.Current.Generation;
        while (true)
        {
            generation = (await agent.Bundles.WaitForChangeAsync(generation, cancellation).ConfigureAwait(false)).Generation;
            foreach (var (consumer, _) in consumers)
            {
                if (consumer.Status.State != HamletConsumerState.Failed)
                    continue;
                await consumer.StopAsync(purge: false, cancellation).ConfigureAwait(false);
                await consumer.StartAsync(cancellation).ConfigureAwait(false);
            }
        }
    }

    private async Task FollowLocalNamesAsync(ImportView view, ChangeSignal signal, CancellationToken cancellation)
    {
        // Imports never shadow the mesh's own services: the view learns every local name and FQDN as they change.
        using var reader = agent.Store.Local.Subscribe();
        SetLocalServices(view, reader.Snapshot, signal);
        await foreach (var batch in reader.ReadAllAsync(cancellation).ConfigureAwait(false))
            SetLocalServices(view, batch.Snapshot, signal);
    }

    private void SetLocalServices(ImportView view, CatalogSnapshot local, ChangeSignal signal)
    {
        Published(view.SetLocalNames(local.Select(e => e.Name)), signal);
        Published(view.SetLocalFqdns(local.Where(e => e.Fqdn.Length > 0).Select(e => e.Fqdn)), signal);
    }

    private void Published(ImportViewChanges changes, ChangeSignal signal)
    {
        foreach (var conflict in changes.ConflictsRaised)
            FederationLog.ImportConflict(logger, conflict.Peer, conflict.RemoteKey.ToString(), conflict.LocalKey.ToString(), conflict.Reason.ToString(), conflict.Detail);
        if (!changes.IsEmpty)
            signal.Set();
    }
}
