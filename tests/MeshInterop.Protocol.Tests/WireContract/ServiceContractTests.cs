using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Protocol.Tests.WireContract;

/// <summary>The gRPC method paths and resource type URLs peers dial and dispatch on.</summary>
public sealed class ServiceContractTests
{
    [Fact]
    public void Client_V1Alpha1_CallsTheHamletMethodPathAsADuplexStream()
    {
        var invoker = new RecordingCallInvoker();

        Assert.Throws<RpcException>(() => new V1.DiscoveryService.DiscoveryServiceClient(invoker).EstablishStream(cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("/federation.resourcediscovery.v1alpha1.DiscoveryService/EstablishStream", invoker.FullName);
        Assert.Equal(MethodType.DuplexStreaming, invoker.Type);
    }

    [Fact]
    public void Client_V1Alpha2_CallsTheHamletMethodPathAsADuplexStream()
    {
        var invoker = new RecordingCallInvoker();

        Assert.Throws<RpcException>(() => new V2.DiscoveryService.DiscoveryServiceClient(invoker).EstablishStream(cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("/federation.resourcediscovery.v1alpha2.DiscoveryService/EstablishStream", invoker.FullName);
        Assert.Equal(MethodType.DuplexStreaming, invoker.Type);
    }

    [Fact]
    public void Server_BothEnvelopes_BindTheHamletMethodPaths()
    {
        var binder = new RecordingServiceBinder();

        V1.DiscoveryService.BindService(binder, new V1Owner());
        V2.DiscoveryService.BindService(binder, new V2Owner());

        Assert.Equal(
            [
                "/federation.resourcediscovery.v1alpha1.DiscoveryService/EstablishStream",
                "/federation.resourcediscovery.v1alpha2.DiscoveryService/EstablishStream",
            ],
            binder.FullNames);
    }

    [Fact]
    public void AnyPack_V1Alpha1FederatedService_UsesTheCanonicalTypeUrl()
    {
        var any = Any.Pack(new V1.FederatedService());

        Assert.Equal("type.googleapis.com/federation.types.v1alpha1.FederatedService", any.TypeUrl);
        Assert.Equal("federation.types.v1alpha1.FederatedService", Any.GetTypeName(any.TypeUrl));
    }

    [Fact]
    public void AnyPack_V1Alpha2FederatedService_UsesTheCanonicalTypeUrl()
    {
        var any = Any.Pack(new V2.FederatedService());

        Assert.Equal("type.googleapis.com/federation.types.v1alpha2.FederatedService", any.TypeUrl);
        Assert.Equal("federation.types.v1alpha2.FederatedService", Any.GetTypeName(any.TypeUrl));
    }

    [Fact]
    public void Descriptors_FilesKeepTheUpstreamPathsAndPackages()
    {
        Assert.Equal(
            [
                ("resourcediscovery/v1alpha1/resource_discovery_v1alpha1.proto", "federation.resourcediscovery.v1alpha1"),
                ("resourcediscovery/v1alpha2/resource_discovery_v1alpha2.proto", "federation.resourcediscovery.v1alpha2"),
                ("types/v1alpha1/federated_service_v1alpha1.proto", "federation.types.v1alpha1"),
                ("types/v1alpha2/federated_service_v1alpha2.proto", "federation.types.v1alpha2"),
            ],
            HamletDescriptors.Files.Select(file => (file.Name, file.Package)));
    }

    [Fact]
    public void Descriptors_EnvelopesImportOnlyAnyAndStatus_TypesImportNothing()
    {
        foreach (var file in HamletDescriptors.Files)
        {
            var imports = file.Dependencies.Select(dependency => dependency.Name).Order(StringComparer.Ordinal);
            var expected = file.Package.StartsWith("federation.resourcediscovery.", StringComparison.Ordinal)
                ? new[] { "google/protobuf/any.proto", "google/rpc/status.proto" }
                : [];
            Assert.Equal(expected, imports);
        }
    }

    private sealed class V1Owner : V1.DiscoveryService.DiscoveryServiceBase;

    private sealed class V2Owner : V2.DiscoveryService.DiscoveryServiceBase;

    private sealed class RecordingCallInvoker : CallInvoker
    {
        public string? FullName { get; private set; }

        public MethodType? Type { get; private set; }

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
            Method<TRequest, TResponse> method, string? host, CallOptions options)
        {
            FullName = method.FullName;
            Type = method.Type;
            throw new RpcException(new Status(StatusCode.Unimplemented, "recorded, not sent"));
        }

        public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw new NotSupportedException();

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw new NotSupportedException();

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
            throw new NotSupportedException();

        public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
            throw new NotSupportedException();
    }

    private sealed class RecordingServiceBinder : ServiceBinderBase
    {
        public List<string> FullNames { get; } = [];

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
        {
            Assert.Equal(MethodType.DuplexStreaming, method.Type);
            FullNames.Add(method.FullName);
        }
    }
}
