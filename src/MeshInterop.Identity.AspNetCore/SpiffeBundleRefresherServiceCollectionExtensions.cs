using MeshInterop.Identity.Federation;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Runs a <see cref="FederatedBundleRefresher"/> for the lifetime of the host.</summary>
public static class SpiffeBundleRefresherServiceCollectionExtensions
{
    /// <summary>
    /// Registers the refresher that <paramref name="factory"/> creates as a singleton and starts its refresh loops when
    /// the host starts; the loops stop when the host stops. Calling this more than once has no further effect.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="factory">Creates the refresher (its target bundle store, peers, clock, logging and metrics).</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IServiceCollection AddSpiffeBundleRefresher(this IServiceCollection services, Func<IServiceProvider, FederatedBundleRefresher> factory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(factory);
        services.TryAddSingleton(factory);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, BundleRefresherHostedService>());
        return services;
    }

    private sealed class BundleRefresherHostedService(FederatedBundleRefresher refresher) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => refresher.StartAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => refresher.DisposeAsync().AsTask().WaitAsync(cancellationToken);
    }
}
