namespace MeshInterop.Federation.Leadership.Internal;

/// <summary>The default elector: one replica, always the leader, never losing it.</summary>
internal sealed class SingleReplicaLeaderElector : ILeaderElector
{
    public ValueTask<ILeadershipLease> AcquireAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<ILeadershipLease>(Lease.Instance);
    }

    private sealed class Lease : ILeadershipLease
    {
        public static readonly Lease Instance = new();

        public CancellationToken Lost => CancellationToken.None;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
