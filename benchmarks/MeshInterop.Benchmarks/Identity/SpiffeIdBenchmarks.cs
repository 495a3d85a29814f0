using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using BenchmarkDotNet.Attributes;
using MeshInterop.Identity;
using MeshInterop.Identity.Bundles;

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

    private BundleSet _bundles = BundleSet.Empty;

    [GlobalSetup]
    public void Setup()
    {
        // Twenty federated trust domains, so the lookup is a real hash lookup.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=bench root", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        var notBefore = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var created = request.CreateSelfSigned(notBefore, notBefore.AddYears(1));
        var root = X509CertificateLoader.LoadCertificate(created.RawData);
        for (var i = 0; i < 20; i++)
        {
            _bundles = _bundles.With(new X509Bundle(TrustDomain.Parse($"td{i}.example.org"), [root]));
        }

        _bundles = _bundles.With(new X509Bundle(TrustDomain.Parse("prod.example.org"), [root]));
    }

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

    /// <summary>What a validator does per peer: parse, then find the bundle of the ID's own trust domain.</summary>
    [Benchmark]
    public int ParseAndFindBundle()
        => SpiffeId.TryParse(_typical, out var id) && _bundles.TryGetX509Bundle(id.TrustDomain, out var bundle) ? bundle.Authorities.Count : -1;
}
