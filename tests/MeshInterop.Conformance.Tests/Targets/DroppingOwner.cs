using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using MeshInterop.Conformance.Hooks;
using MeshInterop.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Conformance.Tests.Targets;

/// <summary>
/// A deliberately broken v1alpha1 owner: it serves the snapshot correctly (lockstep, unique nonces) but drops every
/// change made after a stream subscribed, as the Go reference did once its per-subscriber buffer filled.
/// </summary>
internal sealed class DroppingOwner : IConformanceHook, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, V2.FederatedService> _services = new(StringComparer.Ordinal);
    private TargetHost? _host;

    public Uri Address => _host!.Address;

    public static async Task<DroppingOwner> StartAsync()
    {
        var owner = new DroppingOwner();
        owner._host = await TargetHost.StartAsync(TargetHost.OwnerTls(), s => s.AddSingleton(owner), app => app.MapGrpcService<Service>());
        return owner;
    }

    public Task MutateAsync(ConformanceMutation mutation, CancellationToken cancellationToken)
    {
        if (mutation.Kind == ConformanceMutationKind.Delete)
        {
            _services.TryRemove(mutation.Name, out _);
        }
        else
        {
            _services[mutation.Name] = Google.Protobuf.JsonParser.Default.Parse<V2.FederatedService>(mutation.Json);
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(Uri ownerAddress, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task StopAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

    public ValueTask DisposeAsync() => _host!.DisposeAsync();

    internal sealed class Service(DroppingOwner owner) : V1.DiscoveryService.DiscoveryServiceBase
    {
        public override async Task EstablishStream(IAsyncStreamReader<V1.StreamRequest> requestStream, IServerStreamWriter<V1.StreamResponse> responseStream, ServerCallContext context)
        {
            if (!await requestStream.MoveNext(context.CancellationToken))
            {
                return;
            }

            if (!HamletResourceTypes.SameType(requestStream.Current.ResourceUrl, HamletResourceTypes.V1Alpha1FederatedService))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, "Only v1alpha1 resources are served."));
            }

            foreach (var service in owner._services.Values.ToList())
            {
                var v1 = new V1.FederatedService { Name = service.Name, Id = service.Name, Fqdn = service.Fqdn, Description = service.Description };
                v1.Endpoints.Add(service.Endpoints.Select(e => new V1.FederatedService.Types.Endpoint { Address = e.Address, Port = e.Port }));
                await responseStream.WriteAsync(new V1.StreamResponse
                {
                    Nonce = Guid.NewGuid().ToString("N"),
                    ResourceUrl = HamletResourceTypes.V1Alpha1FederatedService,
                    Resource = Any.Pack(v1),
                    Operation = V1.StreamResponse.Types.Operation.Create,
                }, context.CancellationToken);
                if (!await requestStream.MoveNext(context.CancellationToken))
                {
                    return;
                }
            }

            // The defect: live changes never reach this stream.
            while (await requestStream.MoveNext(context.CancellationToken))
            {
            }
        }
    }
}
