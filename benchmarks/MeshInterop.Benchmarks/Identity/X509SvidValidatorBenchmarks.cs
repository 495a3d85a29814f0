using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using MeshInterop.Identity;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.X509;
using MeshInterop.Testing.Pki;

namespace MeshInterop.Benchmarks.Identity;

/// <summary>
/// Peer X.509-SVID verification: a P-256 leaf issued by an intermediate, as TLS presents it. Target: a cached
/// verification under 1 µs. <c>ChainBuildOnly</c> is the platform chain build alone with the same policy, so the
/// ratio shows what the SPIFFE checks add to an uncached verification.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
public class X509SvidValidatorBenchmarks
{
    private X509Certificate2 _leaf = null!;
    private X509Certificate2Collection _intermediates = null!;
    private X509Certificate2 _root = null!;
    private X509SvidValidator _uncached = null!;
    private X509SvidValidator _cached = null!;

    [GlobalSetup]
    public void Setup()
    {
        var root = TestCertificateAuthority.CreateRoot("example.org");
        var intermediate = root.CreateIntermediate();
        var svid = intermediate.IssueSvid("/ns/payments/sa/checkout");
        _leaf = svid.Leaf;
        _intermediates = svid.IntermediateCollection;
        _root = root.Certificate;
        var bundles = new InMemoryBundleSource(BundleSet.Empty
            .With(new X509Bundle(TrustDomain.Parse("example.org"), [root.Certificate]))
            .With(new X509Bundle(TrustDomain.Parse("peer.test"), [TestCertificateAuthority.CreateRoot("peer.test").Certificate])));
        _uncached = new X509SvidValidator(bundles, new X509SvidValidatorOptions { CacheSize = 0 });
        _cached = new X509SvidValidator(bundles);
        if (!_cached.Validate(_leaf, _intermediates, TlsRole.Client).IsValid || !_uncached.Validate(_leaf, _intermediates, TlsRole.Client).IsValid)
            throw new InvalidOperationException("The benchmark SVID does not validate.");
    }

    [Benchmark(Baseline = true)]
    public bool ChainBuildOnly()
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_root);
        chain.ChainPolicy.ExtraStore.AddRange(_intermediates);
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        var built = chain.Build(_leaf);
        foreach (var element in chain.ChainElements)
            element.Certificate.Dispose();
        return built;
    }

    [Benchmark]
    public bool ValidateUncached() => _uncached.Validate(_leaf, _intermediates, TlsRole.Client).IsValid;

    [Benchmark]
    public bool ValidateCached() => _cached.Validate(_leaf, _intermediates, TlsRole.Client).IsValid;
}
