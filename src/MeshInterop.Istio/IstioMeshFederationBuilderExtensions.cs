using MeshInterop.Catalog;
using MeshInterop.Federation;
using MeshInterop.Federation.Leadership;
using MeshInterop.Istio.Import;
using MeshInterop.Istio.Internal;
using MeshInterop.Istio.Internal.Leadership;
using MeshInterop.Istio.Leadership;
using MeshInterop.Istio.Telemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Attaches a Kubernetes cluster running Istio to the federation agent.</summary>
public static class IstioMeshFederationBuilderExtensions
{
    /// <summary>
    /// Uses the cluster as the agent's import sink (<see cref="IstioCatalogSink"/>) and elects the leader among the
    /// agent's replicas with a Kubernetes Lease. Options bind from <see cref="IstioImportOptions.SectionName"/> and
    /// <see cref="IstioLeaderElectionOptions.SectionName"/> and are validated when the host starts. The Kubernetes
    /// client is the in-cluster or kubeconfig default unless a <see cref="k8s.Kubernetes"/> is registered first.
    /// </summary>
    /// <param name="builder">The federation builder.</param>
    /// <param name="configureImport">Changes the import options after binding.</param>
    /// <param name="configureLeaderElection">Changes the leader-election options after binding.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IMeshFederationBuilder AddIstio(
        this IMeshFederationBuilder builder, Action<IstioImportOptions>? configureImport = null, Action<IstioLeaderElectionOptions>? configureLeaderElection = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptionsWithValidateOnStart<IstioImportOptions, IstioImportOptionsValidator>().BindConfiguration(IstioImportOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IstioImportOptions>, IstioImportOptionsRulesValidator>());
        services.AddOptionsWithValidateOnStart<IstioLeaderElectionOptions, IstioLeaderElectionOptionsValidator>().BindConfiguration(IstioLeaderElectionOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IstioLeaderElectionOptions>, IstioLeaderElectionOptionsRulesValidator>());
        if (configureImport is not null)
            services.Configure(configureImport);
        if (configureLeaderElection is not null)
            services.Configure(configureLeaderElection);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => new k8s.Kubernetes(k8s.KubernetesClientConfiguration.BuildDefaultConfig()));
        services.TryAddSingleton(sp => new IstioMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.Replace(ServiceDescriptor.Singleton<ICatalogSink>(sp => new IstioCatalogSink(
            sp.GetRequiredService<k8s.Kubernetes>(), sp.GetRequiredService<IOptions<IstioImportOptions>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<IstioCatalogSink>>(), sp.GetRequiredService<IstioMetrics>())));
        services.Replace(ServiceDescriptor.Singleton<ILeaderElector>(sp => new KubernetesLeaseElector(
            sp.GetRequiredService<k8s.Kubernetes>(), sp.GetRequiredService<IOptions<IstioLeaderElectionOptions>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<KubernetesLeaseElector>>())));
        return builder;
    }
}
