using System.Text;
using MeshInterop.Consul.Internal.Client;
using Microsoft.Extensions.Logging;

namespace MeshInterop.Consul.Internal.Leadership;

/// <summary>
/// One active writer per owner ID: a Consul session lock on a KV key (reference §14). The holder renews its session every
/// TTL/2 and checks that the key still names its session; when either fails, <see cref="ConsulLockLease.Lost"/> fires and the
/// holder must stop writing at once. A contender waits on the key with a blocking query and retries when it is released,
/// which Consul allows only after the lock delay.
/// </summary>
internal sealed partial class ConsulSessionLock
{
    private readonly ConsulHttpClient _client;
    private readonly string _key;
    private readonly string _holder;
    private readonly TimeSpan _ttl;
    private readonly TimeSpan _lockDelay;
    private readonly ILogger _logger;

    /// <param name="client">The Consul client.</param>
    /// <param name="key">The KV key, for example <c>meshinterop/leader/mi-prod-a</c>.</param>
    /// <param name="holder">Who holds the lock (instance name); stored as the key's value for operators.</param>
    /// <param name="ttl">The session TTL (Consul accepts 10 s to 24 h).</param>
    /// <param name="lockDelay">How long Consul blocks re-acquisition after the session is lost, so a stalled holder cannot overlap its successor.</param>
    /// <param name="logger">The logger.</param>
    public ConsulSessionLock(ConsulHttpClient client, string key, string holder, TimeSpan ttl, TimeSpan lockDelay, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentException.ThrowIfNullOrEmpty(holder);
        ArgumentOutOfRangeException.ThrowIfLessThan(ttl, TimeSpan.FromSeconds(10));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ttl, TimeSpan.FromHours(24));
        ArgumentOutOfRangeException.ThrowIfLessThan(lockDelay, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _key = key;
        _holder = holder;
        _ttl = ttl;
        _lockDelay = lockDelay;
        _logger = logger;
    }

    /// <summary>Waits until the lock is acquired and returns the lease; dispose the lease to release the lock.</summary>
    public async Task<ConsulLockLease> AcquireAsync(CancellationToken cancellationToken)
    {
        var time = _client.TimeProvider;
        var session = await _client.CreateSessionAsync(new SessionRequest
        {
            Name = "meshinterop-leader " + _holder,
            TTL = GoDuration.Format(_ttl),
            LockDelay = GoDuration.Format(_lockDelay == TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : _lockDelay),
            Behavior = "release",
            NodeChecks = [],
        }, cancellationToken).ConfigureAwait(false);
        try
        {
            ulong index = 0;
            var observedFree = false;
            while (true)
            {
                if (await _client.PutKeyAsync(_key, Encoding.UTF8.GetBytes(_holder), cas: null, acquire: session, release: null, cancellationToken).ConfigureAwait(false))
                {
                    Log.LockAcquired(_logger, _key, _holder);
                    return new ConsulLockLease(this, session, time);
                }

                if (observedFree)
                {
                    // Free, yet refused: the previous holder's session was lost and Consul holds the key for the lock delay.
                    observedFree = false;
                    var delay = Task.Delay(_lockDelay, time, cancellationToken);
                    Log.LockFreeWaitingDelay(_logger, _key, (long)_lockDelay.TotalMilliseconds);
                    await delay.ConfigureAwait(false);
                    continue;
                }

                // Held by someone else: renew our own session, then block on the key until it changes (at most TTL/2).
                if (await _client.RenewSessionAsync(session, cancellationToken).ConfigureAwait(false) is null)
                {
                    throw new InvalidOperationException($"The Consul session created to wait for lock '{_key}' vanished; it is recreated on the next attempt.");
                }

                var current = await _client.GetKeyAsync(_key, new ConsulQuery { Index = index, Wait = _ttl / 2 }, cancellationToken).ConfigureAwait(false);
                index = current.Meta.LastIndex < index ? 0 : Math.Max(current.Meta.LastIndex, 1);
                observedFree = current.Value?.Session is null;
            }
        }
        catch
        {
            await DestroyQuietlyAsync(session).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Renews the session and checks the key still names it; false means the lock is lost.</summary>
    internal async Task<bool> StillHeldAsync(string session, CancellationToken cancellationToken)
    {
        if (await _client.RenewSessionAsync(session, cancellationToken).ConfigureAwait(false) is null)
        {
            Log.LockLost(_logger, _key, "the session expired or was destroyed");
            return false;
        }

        var key = await _client.GetKeyAsync(_key, ConsulQuery.Default, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(key.Value?.Session, session, StringComparison.Ordinal))
        {
            Log.LockLost(_logger, _key, "the key no longer names our session");
            return false;
        }

        Log.LockRenewed(_logger, _key);
        return true;
    }

    internal TimeSpan RenewInterval => _ttl / 2;

    internal async Task ReleaseAsync(string session)
    {
        try
        {
            await _client.PutKeyAsync(_key, ReadOnlyMemory<byte>.Empty, cas: null, acquire: null, release: session, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ConsulException ex)
        {
            // Destroying the session below releases the key anyway.
            Log.ReleaseFailed(_logger, ex, _key);
        }

        await DestroyQuietlyAsync(session).ConfigureAwait(false);
        Log.LockReleased(_logger, _key);
    }

    private async Task DestroyQuietlyAsync(string session)
    {
        try
        {
            await _client.DestroySessionAsync(session, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ConsulException ex)
        {
            // The session then lapses by its TTL.
            Log.ReleaseFailed(_logger, ex, _key);
        }
    }
}

/// <summary>A held lock. <see cref="Lost"/> fires as soon as the lock can no longer be guaranteed; disposing releases it.</summary>
internal sealed class ConsulLockLease : IAsyncDisposable
{
    private readonly ConsulSessionLock _owner;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;
    private int _disposed;

    internal ConsulLockLease(ConsulSessionLock owner, string session, TimeProvider timeProvider)
    {
        _owner = owner;
        Session = session;
        Lost = _lost.Token;
        _renewing = RenewAsync(timeProvider);
    }

    public string Session { get; }

    /// <summary>Gets a token cancelled when the lock is lost (session gone, key taken, or Consul unreachable past a renewal).</summary>
    public CancellationToken Lost { get; }

    private async Task RenewAsync(TimeProvider timeProvider)
    {
        using var timer = new PeriodicTimer(_owner.RenewInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                bool held;
                try
                {
                    held = await _owner.StillHeldAsync(Session, _stop.Token).ConfigureAwait(false);
                }
                catch (ConsulException)
                {
                    // Unable to prove the lock within a renewal interval: a writer must assume it is lost.
                    held = false;
                }

                if (!held)
                {
                    await _lost.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _renewing.ConfigureAwait(false);
        if (!_lost.IsCancellationRequested)
        {
            await _owner.ReleaseAsync(Session).ConfigureAwait(false);
        }

        await _lost.CancelAsync().ConfigureAwait(false);
        _lost.Dispose();
        _stop.Dispose();
    }
}
