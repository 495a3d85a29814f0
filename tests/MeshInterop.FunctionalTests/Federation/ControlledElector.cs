using MeshInterop.Federation.Leadership;

namespace MeshInterop.FunctionalTests.Federation;

/// <summary>
/// Leadership the test hands out and takes back: one elector per replica, sharing the rule that at most one lease
/// is live. <see cref="Grant"/> lets a waiting replica lead; <see cref="RevokeAsync"/> fires its lease's
/// <see cref="ILeadershipLease.Lost"/> as an expired platform lock would.
/// </summary>
internal sealed class ControlledElector(string replica) : ILeaderElector, IDisposable
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _granted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Lease? _current;

    public string Replica { get; } = replica;

    public int Acquisitions { get; private set; }

    public async ValueTask<ILeadershipLease> AcquireAsync(CancellationToken cancellationToken)
    {
        Task granted;
        lock (_gate)
            granted = _granted.Task;
        await granted.WaitAsync(cancellationToken);
        lock (_gate)
        {
            _granted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Acquisitions++;
            return _current = new Lease();
        }
    }

    public void Grant()
    {
        lock (_gate)
            _granted.TrySetResult();
    }

    /// <summary>Takes leadership away; returns the token the replica's writes were made under.</summary>
    public async Task<CancellationToken> RevokeAsync()
    {
        Lease lease;
        lock (_gate)
            lease = _current ?? throw new InvalidOperationException($"Replica '{Replica}' holds no lease.");
        await lease.Source.CancelAsync();
        return lease.Lost;
    }

    public void Dispose()
    {
        lock (_gate)
            _current?.Source.Dispose();
    }

    private sealed class Lease : ILeadershipLease
    {
        public CancellationTokenSource Source { get; } = new();

        public CancellationToken Lost => Source.Token;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
