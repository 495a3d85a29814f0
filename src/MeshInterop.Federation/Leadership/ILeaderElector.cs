namespace MeshInterop.Federation.Leadership;

/// <summary>
/// Chooses the one replica of an agent that drives the consumers and writes to the sink, backed by the platform the
/// mesh already runs (a Kubernetes Lease, a Consul session lock). Every replica serves the owner side regardless.
/// </summary>
public interface ILeaderElector
{
    /// <summary>
    /// Waits until this replica is the leader and returns its lease. The caller stops writing as soon as
    /// <see cref="ILeadershipLease.Lost"/> fires, and disposes the lease to step down.
    /// </summary>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The lease held while this replica leads.</returns>
    ValueTask<ILeadershipLease> AcquireAsync(CancellationToken cancellationToken);
}
