using System.Globalization;
using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using MeshInterop.Federation.Leadership;
using MeshInterop.Istio.Leadership;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MeshInterop.Istio.Internal.Leadership;

/// <summary>
/// Leader election on a <c>coordination.k8s.io/v1</c> Lease, as client-go does it: a follower takes the Lease once it
/// has seen no change to it for <see cref="IstioLeaderElectionOptions.LeaseDuration"/> on its own clock (so clock skew
/// between replicas does not matter), writes with the Lease's resourceVersion so only one contender wins, and the
/// leader renews every <see cref="IstioLeaderElectionOptions.RetryPeriod"/> and signals
/// <see cref="ILeadershipLease.Lost"/> when it has not renewed for <see cref="IstioLeaderElectionOptions.RenewDeadline"/>,
/// or when another holder appears. Disposing the lease releases it, so the next replica need not wait it out.
/// </summary>
internal sealed partial class KubernetesLeaseElector(k8s.Kubernetes client, IOptions<IstioLeaderElectionOptions> options, TimeProvider timeProvider, ILogger<KubernetesLeaseElector> logger)
    : ILeaderElector
{
    private readonly IstioLeaderElectionOptions _options = options.Value;
    private readonly TimeProvider _time = timeProvider;
    private readonly ILogger _logger = logger;

    // What this replica last saw in the Lease, and when (on its own clock).
    private string? _observedRecord;
    private long _observedAt;

    public async ValueTask<ILeadershipLease> AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await TryAcquireOrRenewAsync(cancellationToken).ConfigureAwait(false))
            {
                Log.Acquired(_logger, _options.LeaseNamespace, _options.LeaseName, _options.Identity);
                return new Lease(this);
            }

            await Task.Delay(_options.RetryPeriod, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One attempt: true when this replica holds the Lease afterwards.</summary>
    internal async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().UtcDateTime;
        var durationSeconds = (int)Math.Ceiling(_options.LeaseDuration.TotalSeconds);
        V1Lease? current;
        try
        {
            current = await client.CoordinationV1.ReadNamespacedLeaseAsync(_options.LeaseName, _options.LeaseNamespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            current = null;
        }

        if (current is null)
        {
            var lease = new V1Lease
            {
                Metadata = new V1ObjectMeta { Name = _options.LeaseName, NamespaceProperty = _options.LeaseNamespace },
                Spec = new V1LeaseSpec { HolderIdentity = _options.Identity, LeaseDurationSeconds = durationSeconds, AcquireTime = now, RenewTime = now, LeaseTransitions = 0 },
            };
            return await WriteAsync(() => client.CoordinationV1.CreateNamespacedLeaseAsync(lease, _options.LeaseNamespace, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        var spec = current.Spec ?? new V1LeaseSpec();
        var record = string.Create(CultureInfo.InvariantCulture, $"{spec.HolderIdentity}|{spec.RenewTime:O}|{current.Metadata?.ResourceVersion}");
        if (!string.Equals(record, _observedRecord, StringComparison.Ordinal))
        {
            _observedRecord = record;
            _observedAt = _time.GetTimestamp();
        }

        var mine = string.Equals(spec.HolderIdentity, _options.Identity, StringComparison.Ordinal);
        var free = string.IsNullOrEmpty(spec.HolderIdentity)
            || _time.GetElapsedTime(_observedAt) >= TimeSpan.FromSeconds(spec.LeaseDurationSeconds ?? durationSeconds);
        if (!mine && !free)
            return false;

        current.Spec = new V1LeaseSpec
        {
            HolderIdentity = _options.Identity,
            LeaseDurationSeconds = durationSeconds,
            AcquireTime = mine ? spec.AcquireTime : now,
            RenewTime = now,
            LeaseTransitions = mine ? spec.LeaseTransitions : (spec.LeaseTransitions ?? 0) + 1,
        };

        // The resourceVersion in the body makes this a compare-and-swap: of two contenders, one gets 409.
        return await WriteAsync(() => client.CoordinationV1.ReplaceNamespacedLeaseAsync(current, _options.LeaseName, _options.LeaseNamespace, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private async Task<bool> WriteAsync(Func<Task<V1Lease>> write)
    {
        try
        {
            var written = await write().ConfigureAwait(false);
            _observedRecord = string.Create(CultureInfo.InvariantCulture, $"{written.Spec?.HolderIdentity}|{written.Spec?.RenewTime:O}|{written.Metadata?.ResourceVersion}");
            _observedAt = _time.GetTimestamp();
            return true;
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return false;   // another replica wrote first
        }
    }

    private async Task ReleaseAsync()
    {
        try
        {
            var current = await client.CoordinationV1.ReadNamespacedLeaseAsync(_options.LeaseName, _options.LeaseNamespace).ConfigureAwait(false);
            if (current.Spec is { } spec && string.Equals(spec.HolderIdentity, _options.Identity, StringComparison.Ordinal))
            {
                spec.HolderIdentity = null;
                await client.CoordinationV1.ReplaceNamespacedLeaseAsync(current, _options.LeaseName, _options.LeaseNamespace).ConfigureAwait(false);
            }
        }
        catch (HttpOperationException ex)
        {
            // Not released: the others take over once the lease duration has passed.
            Log.ReleaseFailed(_logger, _options.LeaseNamespace, _options.LeaseName, (int)ex.Response.StatusCode);
        }
    }

    private sealed class Lease : ILeadershipLease
    {
        private readonly KubernetesLeaseElector _elector;
        private readonly CancellationTokenSource _lost = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _renewing;

        public Lease(KubernetesLeaseElector elector)
        {
            _elector = elector;
            _renewing = RenewAsync();
        }

        public CancellationToken Lost => _lost.Token;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            await _renewing.ConfigureAwait(false);
            if (!_lost.IsCancellationRequested)
            {
                await _lost.CancelAsync().ConfigureAwait(false);
                await _elector.ReleaseAsync().ConfigureAwait(false);
            }

            _lost.Dispose();
            _stop.Dispose();
        }

        private async Task RenewAsync()
        {
            var options = _elector._options;
            var time = _elector._time;
            var lastRenewal = time.GetTimestamp();
            try
            {
                while (true)
                {
                    await Task.Delay(options.RetryPeriod, time, _stop.Token).ConfigureAwait(false);
                    bool renewed;
                    try
                    {
                        renewed = await _elector.TryAcquireOrRenewAsync(_stop.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is HttpOperationException or HttpRequestException)
                    {
                        renewed = false;   // the API server unreachable: keep trying until the renew deadline
                    }

                    if (renewed)
                    {
                        lastRenewal = time.GetTimestamp();
                    }
                    else if (time.GetElapsedTime(lastRenewal) >= options.RenewDeadline || _elector.HeldByOther())
                    {
                        Log.Lost(_elector._logger, options.LeaseNamespace, options.LeaseName, options.Identity);
                        await _lost.CancelAsync().ConfigureAwait(false);
                        return;
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                // Stepping down.
            }
        }
    }

    private bool HeldByOther() =>
        _observedRecord is { } record && record.Split('|')[0] is { Length: > 0 } holder && !string.Equals(holder, _options.Identity, StringComparison.Ordinal);

    private static partial class Log
    {
        [LoggerMessage(4010, LogLevel.Information, "Acquired the Lease '{Namespace}/{Name}' as '{Identity}'; this replica leads.", EventName = nameof(Acquired))]
        public static partial void Acquired(ILogger logger, string @namespace, string name, string identity);

        [LoggerMessage(4011, LogLevel.Warning, "Lost the Lease '{Namespace}/{Name}' held as '{Identity}'; this replica stops writing.", EventName = nameof(Lost))]
        public static partial void Lost(ILogger logger, string @namespace, string name, string identity);

        [LoggerMessage(4012, LogLevel.Warning, "Could not release the Lease '{Namespace}/{Name}' (HTTP {StatusCode}); another replica takes over once it expires.", EventName = nameof(ReleaseFailed))]
        public static partial void ReleaseFailed(ILogger logger, string @namespace, string name, int statusCode);
    }
}
