using MeshInterop.Catalog;
using MeshInterop.Federation.Leadership;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MeshInterop.Federation.Internal;

/// <summary>
/// Runs the agent for the lifetime of the host: every replica follows the source into the local catalog (the owner
/// side serves it to peers) and refreshes peer bundles; the replica that holds leadership also runs a
/// <see cref="LeaderTerm"/>. Stopping ends peers' streams with <c>Unavailable</c> so they retry elsewhere.
/// </summary>
internal sealed class MeshFederationHostedService(
    FederationAgent agent,
    FederationStatus status,
    ILeaderElector elector,
    FederationMetrics? metrics,
    ICatalogSource? source,
    ICatalogSink? sink,
    IHostApplicationLifetime? lifetime,
    ILogger<MeshFederationHostedService> logger) : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(60);
    private CancellationTokenSource? _stopping;
    private Task _source = Task.CompletedTask;
    private Task _leadership = Task.CompletedTask;
    private IDisposable? _unknownAuthorityWatch;
    private CancellationTokenRegistration _onStopping;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        FederationLog.Starting(logger, agent.Options.MeshName, agent.AgentId.ToString(), agent.Peers.Length);
        if (agent.Refresher is { } refresher)
        {
            // A peer presenting a certificate from an authority not yet in its bundle triggers an early refresh.
            _unknownAuthorityWatch = refresher.WatchForUnknownAuthorities(agent.Validator);
            await refresher.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        _stopping = new CancellationTokenSource();
        var stopping = _stopping.Token;

        // The server stops before hosted services do and waits for open requests: end the long-lived streams in both
        // directions as soon as the host begins stopping, so peers retry at once and shutdown does not stall.
        if (lifetime is not null)
            _onStopping = lifetime.ApplicationStopping.Register(BeginStopping);
        using (ExecutionContext.SuppressFlow())
        {
            if (source is not null)
                _source = Task.Run(() => FollowSourceAsync(source, stopping), CancellationToken.None);
            _leadership = Task.Run(() => LeadAsync(stopping), CancellationToken.None);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        BeginStopping();
        if (_stopping is null)
            return;
        await Task.WhenAll(_source, _leadership).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _unknownAuthorityWatch?.Dispose();
        if (agent.Refresher is { } refresher)
            await refresher.DisposeAsync().ConfigureAwait(false);
        FederationLog.Stopped(logger, agent.Options.MeshName);
    }

    public async ValueTask DisposeAsync()
    {
        await _onStopping.DisposeAsync().ConfigureAwait(false);
        _stopping?.Dispose();
    }

    private void BeginStopping()
    {
        agent.Owner.BeginShutdown();
        try
        {
            _stopping?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already stopped.
        }
    }

    private async Task FollowSourceAsync(ICatalogSource catalogSource, CancellationToken stopping)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stopping.IsCancellationRequested)
        {
            Exception? failure = null;
            try
            {
                // The local catalog is replaced only once the source's initial state is complete, so a failing
                // source never withdraws exports from peers.
                await agent.Store.Local.FollowAsync(catalogSource, stopping).ConfigureAwait(false);
                delay = TimeSpan.FromSeconds(1);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failure = ex;
            }

            FederationLog.SourceFailed(logger, failure, delay.TotalSeconds);
            try
            {
                await Task.Delay(delay, agent.TimeProvider, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
        }
    }

    private async Task LeadAsync(CancellationToken stopping)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stopping.IsCancellationRequested)
        {
            ILeadershipLease lease;
            try
            {
                lease = await elector.AcquireAsync(stopping).ConfigureAwait(false);
                delay = TimeSpan.FromSeconds(1);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                FederationLog.ElectionFailed(logger, ex, delay.TotalSeconds);
                try
                {
                    await Task.Delay(delay, agent.TimeProvider, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
                continue;
            }

            await using (lease.ConfigureAwait(false))
            {
                metrics?.Leadership(gained: true);
                try
                {
                    await new LeaderTerm(agent, status, sink, metrics, logger).RunAsync(lease, stopping).ConfigureAwait(false);
                }
                catch (Exception ex) when (!stopping.IsCancellationRequested)
                {
                    FederationLog.TermFailed(logger, ex);
                }

                if (lease.Lost.IsCancellationRequested && !stopping.IsCancellationRequested)
                {
                    metrics?.Leadership(gained: false);
                    FederationLog.LeadershipLost(logger);
                }
            }
        }
    }
}
