using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using MeshInterop.Protocol.Hamlet.V1Alpha2;

namespace MeshInterop.Benchmarks.Protocol;

/// <summary>
/// Cost of the Hamlet frame every UPSERT carries: a typical v1alpha2 FederatedService packed in an Any,
/// wrapped in a BidirectionalStream frame. Baseline is serialising the bare resource.
/// </summary>
[MemoryDiagnoser]
public class WireCodecBenchmarks
{
    private FederatedService _service = null!;
    private BidirectionalStream _frame = null!;
    private byte[] _frameBytes = null!;

    [GlobalSetup]
    public void Setup()
    {
        _service = new FederatedService
        {
            Name = "httpbin",
            Fqdn = "httpbin.default.svc.nsxsm.example",
            Description = "HTTP request and response service",
            Tags = { "federated", "http" },
            Labels = { ["app"] = "httpbin", ["version"] = "v1", ["team"] = "platform", ["tier"] = "backend", ["region"] = "eu-west" },
            Sans = { "spiffe://nsxsm.example/ns/default/sa/httpbin" },
            Endpoints =
            {
                new FederatedService.Types.Endpoint { Address = "192.0.2.10", Port = 15443, Labels = { "zone-a" } },
                new FederatedService.Types.Endpoint { Address = "192.0.2.11", Port = 15443, Labels = { "zone-b" } },
            },
            Instances =
            {
                new FederatedService.Types.Instance
                {
                    Id = "httpbin-v1",
                    Protocol = "HTTP",
                    Metadata = { ["SNI"] = "outbound_.8000_._.httpbin.default.svc.cluster.local", ["PORT"] = "8000" },
                    EndpointSelector = { "zone-a", "zone-b" },
                },
            },
        };
        _frame = new BidirectionalStream
        {
            Response = new StreamResponse
            {
                Nonce = "6f1c0e4b9d2a4c7e8b5f3a1d2c4e6f80",
                ResourceUrl = "type.googleapis.com/federation.types.v1alpha2.FederatedService",
                ResourceId = _service.Name,
                Resource = Any.Pack(_service),
                Operation = StreamResponse.Types.Operation.Upsert,
            },
        };
        _frameBytes = _frame.ToByteArray();
    }

    [Benchmark(Baseline = true)]
    public byte[] SerializeResource() => _service.ToByteArray();

    [Benchmark]
    public byte[] SerializeFrame() => _frame.ToByteArray();

    [Benchmark]
    public FederatedService ParseFrameAndUnpack() =>
        BidirectionalStream.Parser.ParseFrom(_frameBytes).Response.Resource.Unpack<FederatedService>();
}
