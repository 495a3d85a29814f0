using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CsCheck;
using MeshInterop.Identity.Bundles;

namespace MeshInterop.Identity.Tests.Bundles;

/// <summary>Write-then-parse laws of the bundle document and the bundle map, under a fixed seed.</summary>
public sealed class SpiffeBundlePropertyTests : IDisposable
{
    private static readonly TrustDomain Domain = TrustDomain.Parse("example.org");

    // Key material is made once; the generators choose among it, so every run checks the same cases.
    private readonly X509Certificate2[] _roots = [TestAuthorities.EcRoot("p256"), TestAuthorities.EcRoot("p384", ECCurve.NamedCurves.nistP384), TestAuthorities.RsaRoot("rsa")];
    private readonly AsymmetricAlgorithm[] _keys = [ECDsa.Create(ECCurve.NamedCurves.nistP256), ECDsa.Create(ECCurve.NamedCurves.nistP521), RSA.Create(2048)];

    [Fact]
    public void WriteTo_ThenParse_GivesSameContentAndSameBytes()
    {
        var gen = Gen.Select(
            Gen.Int[0, 7],                                            // which roots, as a bit set
            Gen.String[Gen.Char["abcXYZ019-_."], 1, 12].Array[0, 3],   // kids
            Gen.ULong.Nullable(),
            Gen.Long[1, 10_000_000].Nullable());
        gen.Sample((rootMask, kids, sequence, hintSeconds) =>
        {
            var roots = _roots.Where((_, i) => (rootMask & (1 << i)) != 0);
            var jwt = kids.Distinct(StringComparer.Ordinal).Select((kid, i) => Authority(kid, _keys[i % _keys.Length]));
            var original = new SpiffeBundle(
                new X509Bundle(Domain, roots),
                new JwtBundle(Domain, jwt),
                sequence,
                hintSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null);

            var json = original.ToUtf8Json();
            var parsed = SpiffeBundle.Parse(json, Domain);

            return parsed.Diagnostics.Count == 0
                && parsed.X509Bundle.ContentEquals(original.X509Bundle)
                && parsed.JwtBundle.ContentEquals(original.JwtBundle)
                && parsed.SequenceNumber == original.SequenceNumber
                && parsed.RefreshHint == original.RefreshHint
                && json.AsSpan().SequenceEqual(parsed.ToUtf8Json());
        }, seed: "0N0XIzNsQ0O2", iter: 200, threads: 1);
    }

    public void Dispose()
    {
        foreach (var root in _roots)
        {
            root.Dispose();
        }

        foreach (var key in _keys)
        {
            key.Dispose();
        }
    }

    private static JwtAuthority Authority(string kid, AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec => JwtAuthority.FromECDsa(kid, ec.ExportParameters(false)),
        RSA rsa => JwtAuthority.FromRsa(kid, rsa.ExportParameters(false)),
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };
}
