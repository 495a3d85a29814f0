using System.Text;
using BenchmarkDotNet.Attributes;
using MeshInterop.Identity;

namespace MeshInterop.Benchmarks.Identity;

/// <summary>
/// Parsing a typical 60-character SPIFFE ID. Target: validation and <c>TryParse</c> of a string at or under 30 ns
/// with 0 bytes allocated; from UTF-8 SAN bytes, one string on success.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class SpiffeIdBenchmarks
{
    private const string Typical = "spiffe://prod.example.org/ns/payments/sa/checkout-frontend-1";   // 60 characters

    private readonly string _typical = Typical;
    private readonly byte[] _typicalUtf8 = Encoding.ASCII.GetBytes(Typical);
    private readonly string _trailingSlash = Typical + "/";
    private readonly string _shouting = "SPIFFE://PROD.example.org/ns/payments/sa/checkout-frontend-1";

    [Benchmark(Baseline = true)]
    public SpiffeIdError Validate() => SpiffeId.Validate(_typical);

    [Benchmark]
    public bool TryParseString() => SpiffeId.TryParse(_typical, out _);

    [Benchmark]
    public bool TryParseUtf8() => SpiffeId.TryParse(_typicalUtf8, out _, out _);

    [Benchmark]
    public bool TryParseInvalidTrailingSlash() => SpiffeId.TryParse(_trailingSlash, out _);

    [Benchmark]
    public bool TryParseLenientFolding()
        => SpiffeId.TryParse(_shouting, SpiffeIdParseOptions.AllowUppercaseSchemeAndTrustDomain, out _, out _, out _);

    [Benchmark]
    public int TrustDomainOfParsedId() => SpiffeId.TryParse(_typical, out var id) ? id.TrustDomain.Length : -1;
}
