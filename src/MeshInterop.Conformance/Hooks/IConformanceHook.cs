namespace MeshInterop.Conformance.Hooks;

/// <summary>
/// Drives the implementation under test from outside the protocol. Owner role: add, change and remove exported
/// services, and stop the owner gracefully. Consumer role: start the consumer against the kit, stop it on purpose,
/// and list what it imported. Services travel as the proto3 JSON form of <c>federation.types.v1alpha2.FederatedService</c>,
/// whatever the envelope; an implementation maps them to its own model.
/// </summary>
public interface IConformanceHook
{
    /// <summary>Owner role: creates, updates or deletes a service the target exports to the kit's identity.</summary>
    /// <param name="mutation">What to change.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes once the target has accepted the change (not necessarily sent it).</returns>
    Task MutateAsync(ConformanceMutation mutation, CancellationToken cancellationToken);

    /// <summary>Consumer role: starts the target's consumer, subscribed to the kit's owner at <paramref name="ownerAddress"/>, with an empty import catalog.</summary>
    /// <param name="ownerAddress">The kit's owner, for example <c>https://127.0.0.1:40123</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes once the consumer has been started (it dials on its own).</returns>
    Task StartAsync(Uri ownerAddress, CancellationToken cancellationToken);

    /// <summary>
    /// Stops the target on purpose. Owner role: a graceful stop (open streams must end with <c>Unavailable</c>).
    /// Consumer role: an intentional disconnect, after which every service imported from the kit is removed (R10).
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes once the target has stopped.</returns>
    Task StopAsync(CancellationToken cancellationToken);

    /// <summary>Consumer role: lists the services the target currently holds as imported from the kit.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The imports, each as proto3 JSON of <c>federation.types.v1alpha2.FederatedService</c>.</returns>
    Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken);
}
