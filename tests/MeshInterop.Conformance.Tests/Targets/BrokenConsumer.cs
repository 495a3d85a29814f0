using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using MeshInterop.Conformance.Hooks;
using MeshInterop.Identity.Authorization;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.Tls;
using MeshInterop.Identity.X509;
using MeshInterop.Protocol;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Conformance.Tests.Targets;

/// <summary>What is wrong with a <see cref="BrokenConsumer"/>.</summary>
internal enum ConsumerDefect
{
    /// <summary>ACKs each response at once and applies it only when the next one arrives.</summary>
    AcksBeforeApplying,

    /// <summary>Reconnects 100 ms after any end of stream, <c>Unauthenticated</c> and <c>InvalidArgument</c> included.</summary>
    RetriesOnFatalCodes,

    /// <summary>Sends an HTTP/2 keepalive ping every second, which a Go server answers with too_many_pings.</summary>
    PingsTooOften,
}

/// <summary>A deliberately broken v1alpha1 consumer over SPIFFE mTLS, otherwise well behaved, so the kit is shown able to fail.</summary>
internal sealed class BrokenConsumer(ConsumerDefect defect) : IConformanceHook, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, V1.FederatedService> _imports = new(StringComparer.Ordinal);
    private CancellationTokenSource? _stop;
    private Task _loop = Task.CompletedTask;

    public Task StartAsync(Uri ownerAddress, CancellationToken cancellationToken)
    {
        _stop = new CancellationTokenSource();
        var stop = _stop.Token;
        _loop = Task.Run(() => RunAsync(ownerAddress, stop), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stop, null) is { } stop)
        {
            await stop.CancelAsync();
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            stop.Dispose();
        }

        _imports.Clear();
    }

    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. _imports.Values.Select(ToJson)]);

    public Task MutateAsync(ConformanceMutation mutation, CancellationToken cancellationToken) => throw new NotSupportedException();

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    private static string ToJson(V1.FederatedService v1)
    {
        var v2 = new V2.FederatedService { Name = v1.Name, Fqdn = v1.Fqdn, Description = v1.Description };
        v2.Endpoints.Add(v1.Endpoints.Select(e => new V2.FederatedService.Types.Endpoint { Address = e.Address, Port = e.Port }));
        return JsonFormatter.Default.Format(v2);
    }

    private async Task RunAsync(Uri owner, CancellationToken stop)
    {
        var tls = new SpiffeTls(
            new InMemoryX509SvidSource(KitPki.Svid(KitPki.Consumer, KitPki.ConsumerAgent)),
            new X509SvidValidator(new InMemoryBundleSource(KitPki.Both)),
            SpiffeAuthorizer.Exact(KitPki.OwnerAgent));
        using var channel = GrpcChannel.ForAddress(owner, new GrpcChannelOptions { HttpHandler = tls.CreateHttpHandler(Configure) });
        var client = new V1.DiscoveryService.DiscoveryServiceClient(channel);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await SubscribeAsync(client, stop);
            }
            catch (RpcException) when (defect == ConsumerDefect.RetriesOnFatalCodes && !stop.IsCancellationRequested)
            {
                // The defect: every failure is retried, however fatal.
            }
            catch (Exception ex) when (ex is RpcException or OperationCanceledException or IOException)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), stop).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private void Configure(SocketsHttpHandler handler)
    {
        if (defect == ConsumerDefect.PingsTooOften)
        {
            // The defect: far below the 40 s a Go server allows between pings.
            handler.KeepAlivePingDelay = TimeSpan.FromSeconds(1);
            handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always;
        }
    }

    private async Task SubscribeAsync(V1.DiscoveryService.DiscoveryServiceClient client, CancellationToken stop)
    {
        using var call = client.EstablishStream(cancellationToken: stop);
        await call.RequestStream.WriteAsync(new V1.StreamRequest { ResourceUrl = HamletResourceTypes.V1Alpha1FederatedService }, stop);
        V1.StreamResponse? pending = null;
        while (await call.ResponseStream.MoveNext(stop))
        {
            var response = call.ResponseStream.Current;
            if (defect == ConsumerDefect.AcksBeforeApplying)
            {
                // The defect: the answer goes out first; the change is applied one response later.
                await AckAsync(call, response, stop);
                if (pending is not null)
                {
                    Apply(pending);
                }

                pending = response;
            }
            else
            {
                Apply(response);
                await AckAsync(call, response, stop);
            }
        }
    }

    private void Apply(V1.StreamResponse response)
    {
        var service = response.Resource.Unpack<V1.FederatedService>();
        if (response.Operation == V1.StreamResponse.Types.Operation.Delete)
        {
            _imports.TryRemove(service.Id, out _);
        }
        else
        {
            _imports[service.Id] = service;
        }
    }

    private static Task AckAsync(AsyncDuplexStreamingCall<V1.StreamRequest, V1.StreamResponse> call, V1.StreamResponse response, CancellationToken stop) =>
        call.RequestStream.WriteAsync(new V1.StreamRequest { ResourceUrl = HamletResourceTypes.V1Alpha1FederatedService, ResponseNonce = response.Nonce, Status = new Google.Rpc.Status() }, stop);
}
