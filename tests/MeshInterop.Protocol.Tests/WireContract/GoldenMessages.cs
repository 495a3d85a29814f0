using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using V1 = MeshInterop.Protocol.Hamlet.V1Alpha1;
using V2 = MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Protocol.Tests.WireContract;

/// <summary>
/// The C# side of each golden fixture: the same content as <c>Golden/&lt;name&gt;.txtpb</c>, written here
/// field by field through the generated API so that the bytes protoc produced from the text are compared
/// with the bytes the C# runtime produces from these objects.
/// </summary>
internal static class GoldenMessages
{
    public const string V1TypeUrl = "type.googleapis.com/federation.types.v1alpha1.FederatedService";
    public const string V2TypeUrl = "type.googleapis.com/federation.types.v1alpha2.FederatedService";

    public static readonly IReadOnlyDictionary<string, Func<IMessage>> All = new Dictionary<string, Func<IMessage>>(StringComparer.Ordinal)
    {
        ["v1alpha1_initial_request"] = () => new V1.StreamRequest { ResourceUrl = V1TypeUrl },
        ["v1alpha1_ack_empty_nonce"] = () => new V1.StreamRequest { ResourceUrl = V1TypeUrl, Status = new Status() },
        ["v1alpha1_ack"] = () => new V1.StreamRequest { ResourceUrl = V1TypeUrl, ResponseNonce = "n1", Status = new Status() },
        ["v1alpha1_nack"] = () => new V1.StreamRequest
        {
            ResourceUrl = V1TypeUrl,
            ResponseNonce = "n1",
            Status = new Status { Code = 3, Message = "bad" },
        },
        ["v1alpha1_stream_request"] = () => new V1.StreamRequest
        {
            ResourceUrl = V1TypeUrl,
            ResponseNonce = "6f1c0e4b9d2a4c7e8b5f3a1d2c4e6f80",
            Status = new Status
            {
                Code = 3,
                Message = "endpoints[0].port: 0 is outside 1-65535",
                Details = { Any.Pack(new V1.FederatedService { Name = "httpbin", Fqdn = "httpbin.nsxsm.example" }) },
            },
        },
        ["v1alpha1_stream_response"] = () => new V1.StreamResponse
        {
            Nonce = "0b6e2f9a7c41458d9e3f5a2b1c0d8e7f",
            ResourceUrl = V1TypeUrl,
            Resource = Any.Pack(HttpbinV1()),
            Operation = V1.StreamResponse.Types.Operation.Update,
        },
        ["v1alpha1_federated_service"] = HttpbinV1,
        ["v1alpha1_endpoint"] = () => new V1.FederatedService.Types.Endpoint { Address = "2001:db8::10", Port = 65535 },
        ["v1alpha2_initial_frame"] = () => new V2.BidirectionalStream
        {
            Request = new V2.StreamRequest { ResourceUrl = V2TypeUrl, Context = "t" },
        },
        ["v1alpha2_stream_request"] = () => new V2.StreamRequest
        {
            ResourceUrl = V2TypeUrl,
            ResponseNonce = "a1b2c3d4e5f60718293a4b5c6d7e8f90",
            Status = new Status { Code = 14, Message = "sink unavailable: retry later" },
            Context = "tenant-blue",
        },
        ["v1alpha2_stream_response"] = () => new V2.StreamResponse
        {
            Nonce = "5d41402abc4b2a76b9719d911017c592",
            ResourceUrl = V2TypeUrl,
            ResourceId = "web",
            Resource = Any.Pack(WebV2()),
            Operation = V2.StreamResponse.Types.Operation.Delete,
            Context = "tenant-blue",
        },
        ["v1alpha2_frame_request"] = () => new V2.BidirectionalStream { Request = AckV2() },
        ["v1alpha2_frame_response"] = () => new V2.BidirectionalStream
        {
            Response = new V2.StreamResponse
            {
                Nonce = "n8",
                ResourceUrl = V2TypeUrl,
                ResourceId = "web",
                Resource = Any.Pack(WebV2()),
                Operation = V2.StreamResponse.Types.Operation.Upsert,
                Context = "tenant-blue",
            },
        },
        ["v1alpha2_frame_both"] = () => new V2.BidirectionalStream
        {
            Request = AckV2(),
            Response = new V2.StreamResponse
            {
                Nonce = "n8",
                ResourceUrl = V2TypeUrl,
                ResourceId = "api",
                Resource = Any.Pack(new V2.FederatedService { Name = "api", Fqdn = "api.consul.example" }),
                Operation = V2.StreamResponse.Types.Operation.Upsert,
                Context = "tenant-blue",
            },
        },
        ["v1alpha2_federated_service"] = WebV2,
        ["v1alpha2_endpoint"] = () => new V2.FederatedService.Types.Endpoint
        {
            Address = "192.0.2.30",
            Port = 1,
            Labels = { "zone-c", "backup" },
            Description = "backup ingress",
        },
        ["v1alpha2_instance"] = () => new V2.FederatedService.Types.Instance
        {
            Id = "db-primary",
            Protocol = "TCP",
            Metadata = { ["PORT"] = "5432" },
            EndpointSelector = { "zone-c" },
            Description = "primary database",
        },
        ["v1alpha2_federated_service_many_map_entries"] = () => new V2.FederatedService
        {
            Name = "api",
            Fqdn = "api.consul.example",
            // Inserted in a different order from the fixture: map entry order is not part of the contract.
            Labels = { ["version"] = "v3", ["app"] = "api", ["team"] = "payments" },
            Instances =
            {
                new V2.FederatedService.Types.Instance
                {
                    Id = "api-1",
                    Protocol = "GRPC",
                    Metadata = { ["cert"] = "none", ["PORT"] = "9090", ["SNI"] = "api.consul.example", ["HOSTNAME"] = "api.internal" },
                },
            },
        },
    };

    /// <summary>Fixtures with more than one entry in some map: compared as parsed messages, never as bytes.</summary>
    public static readonly IReadOnlySet<string> UnorderedMaps = new HashSet<string>(StringComparer.Ordinal)
    {
        "v1alpha2_federated_service_many_map_entries",
    };

    public static V1.FederatedService HttpbinV1() => new()
    {
        Name = "httpbin",
        Description = "HTTP request and response service",
        Tags = { "federated", "http" },
        Labels = { ["app"] = "httpbin" },
        Fqdn = "httpbin.default.svc.nsxsm.example",
        Id = "outbound_.8000_._.httpbin.default.svc.cluster.local",
        San = "spiffe://nsxsm.example/ns/default/sa/httpbin",
        Protocols = { "http", "TCP" },
        Endpoints =
        {
            new V1.FederatedService.Types.Endpoint { Address = "192.0.2.10", Port = 15443 },
            new V1.FederatedService.Types.Endpoint { Address = "gateway.nsxsm.example", Port = 443 },
        },
    };

    public static V2.FederatedService WebV2() => new()
    {
        Name = "web",
        Description = "Storefront web tier",
        Tags = { "federated", "frontend" },
        Labels = { ["team"] = "storefront" },
        Fqdn = "web.consul.example",
        Endpoints =
        {
            new V2.FederatedService.Types.Endpoint
            {
                Address = "192.0.2.20",
                Port = 8443,
                Labels = { "zone-a", "primary" },
                Description = "mesh gateway A",
            },
            new V2.FederatedService.Types.Endpoint
            {
                Address = "gw-b.consul.example",
                Port = 443,
                Labels = { "zone-b" },
                Description = "mesh gateway B",
            },
        },
        Sans =
        {
            "URI:spiffe://consul.example/ns/default/dc/dc1/svc/web",
            "spiffe://consul.example/ns/default/dc/dc1/svc/web-canary",
        },
        Instances =
        {
            new V2.FederatedService.Types.Instance
            {
                Id = "web-v1",
                Protocol = "HTTP",
                Metadata = { ["SNI"] = "web.default.dc1.internal.consul.example" },
                EndpointSelector = { "zone-a", "zone-b" },
                Description = "stable",
            },
            new V2.FederatedService.Types.Instance
            {
                Id = "web-v2",
                Protocol = "MTLS",
                EndpointSelector = { "primary" },
                Description = "canary",
            },
        },
    };

    private static V2.StreamRequest AckV2() => new()
    {
        ResourceUrl = V2TypeUrl,
        ResponseNonce = "n7",
        Status = new Status(),
        Context = "tenant-blue",
    };
}
