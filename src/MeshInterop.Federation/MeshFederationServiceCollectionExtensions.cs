using System.Diagnostics.Metrics;
using Grpc.AspNetCore.Server;
using MeshInterop.Catalog;
using MeshInterop.Federation;
using MeshInterop.Federation.Internal;
using MeshInterop.Federation.Leadership;
using MeshInterop.Federation.Leadership.Internal;
using MeshInterop.Protocol.Owner;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the MeshInterop federation agent.</summary>
public static class MeshFederationServiceCollectionExtensions
{
    /// <summary>
    /// Registers the federation agent with its options bound from the configuration section
    /// <see cref="MeshFederationOptions.SectionName"/> of the host's <see cref="IConfiguration"/>. Equivalent to
    /// <see cref="AddMeshFederation(IServiceCollection, Action{MeshFederationOptions})"/> with nothing to adjust.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The builder, to plug in the mesh's source, sink and elector.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IMeshFederationBuilder AddMeshFederation(this IServiceCollection services) => AddMeshFederation(services, _ => { });

    /// <summary>
    /// Registers the federation agent, its options bound from the configuration section
    /// <see cref="MeshFederationOptions.SectionName"/> (when an <see cref="IConfiguration"/> is registered) and then
    /// adjusted by <paramref name="configure"/>. The options are validated when the host starts; the failure lists
    /// every problem with its configuration path. Safe to call more than once: later calls add their
    /// <paramref name="configure"/> and return a builder over the same registration.
    /// <para/>
    /// Defaults: no <see cref="MeshInterop.Catalog.ICatalogSource"/> (nothing is exported), no <see cref="MeshInterop.Catalog.ICatalogSink"/>
    /// (imports are kept in memory only), a single-replica <see cref="ILeaderElector"/> (always the leader).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Adjusts the options after binding.</param>
    /// <returns>The builder, to plug in the mesh's source, sink and elector.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IMeshFederationBuilder AddMeshFederation(this IServiceCollection services, Action<MeshFederationOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = Register(services, MeshFederationOptions.SectionName, out var first);
        if (first)
        {
            services.AddSingleton<IConfigureOptions<MeshFederationOptions>>(sp => new ConfigureOptions<MeshFederationOptions>(
                options => sp.GetService<IConfiguration>()?.GetSection(MeshFederationOptions.SectionName).Bind(options)));
        }

        services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Registers the federation agent with its options bound from <paramref name="configuration"/> (the federation
    /// section itself, for example <c>builder.Configuration.GetSection("MeshInterop:Federation")</c>). Validation
    /// errors name paths under that section. Safe to call more than once, like the other overload.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section to bind.</param>
    /// <returns>The builder, to plug in the mesh's source, sink and elector.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static IMeshFederationBuilder AddMeshFederation(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration is IConfigurationSection named ? named.Path : MeshFederationOptions.SectionName;
        var builder = Register(services, section, out _);
        services.Configure<MeshFederationOptions>(configuration.Bind);
        return builder;
    }

    private static MeshFederationBuilder Register(IServiceCollection services, string section, out bool first)
    {
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(MeshFederationBuilder) && descriptor.ImplementationInstance is MeshFederationBuilder existing)
            {
                first = false;
                return existing;
            }
        }

        first = true;
        var builder = new MeshFederationBuilder(services);
        services.AddSingleton(builder);
        services.AddOptions<MeshFederationOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<MeshFederationOptions>>(sp =>
            new MeshFederationOptionsValidator(section, sp.GetService<IServiceProviderIsService>()));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ILeaderElector, SingleReplicaLeaderElector>();
        services.TryAddSingleton(sp => new FederationAgent(
            sp.GetRequiredService<IOptions<MeshFederationOptions>>(),
            sp,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>(),
            sp.GetService<IMeterFactory>()));
        services.TryAddSingleton(sp => new FederationStatus(sp.GetRequiredService<FederationAgent>()));
        services.TryAddSingleton<IMeshFederationStatus>(sp => sp.GetRequiredService<FederationStatus>());
        services.TryAddSingleton(sp => sp.GetRequiredService<FederationAgent>().Owner);
        services.AddHostedService(sp => new MeshFederationHostedService(
            sp.GetRequiredService<FederationAgent>(),
            sp.GetRequiredService<FederationStatus>(),
            sp.GetRequiredService<ILeaderElector>(),
            sp.GetService<IMeterFactory>() is { } meters ? new FederationMetrics(meters, sp.GetRequiredService<FederationStatus>()) : null,
            sp.GetService<ICatalogSource>(),
            sp.GetService<ICatalogSink>(),
            sp.GetService<IHostApplicationLifetime>(),
            sp.GetRequiredService<ILogger<MeshFederationHostedService>>()));

        // The owner's services take the message limit from the agent's options.
        services.AddGrpc();
        services.AddOptions<GrpcServiceOptions<HamletOwnerV1Alpha1Service>>()
            .Configure<IOptions<MeshFederationOptions>>((grpc, federation) => grpc.MaxReceiveMessageSize = federation.Value.Protocol.MaxReceiveMessageSize);
        services.AddOptions<GrpcServiceOptions<HamletOwnerV1Alpha2Service>>()
            .Configure<IOptions<MeshFederationOptions>>((grpc, federation) => grpc.MaxReceiveMessageSize = federation.Value.Protocol.MaxReceiveMessageSize);
        services.AddHealthChecks().AddCheck<MeshFederationHealthCheck>(MeshFederationHealthCheck.Name, tags: ["meshinterop", "federation"]);
        return builder;
    }
}
