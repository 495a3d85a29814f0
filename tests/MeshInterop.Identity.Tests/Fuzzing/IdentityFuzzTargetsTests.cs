using System.Security.Cryptography;
using System.Text;
using MeshInterop.Identity.Fuzzing;
using MeshInterop.Identity.Tests.Bundles;

namespace MeshInterop.Identity.Tests.Fuzzing;

/// <summary>
/// Runs seeded random inputs and mutations of valid ones through the fuzz entry points. The targets swallow the
/// documented exceptions, so any exception here is a parser bug or a broken law.
/// </summary>
public sealed class IdentityFuzzTargetsTests
{
    private static readonly string[] ValidIds =
    [
        "spiffe://example.org/ns/prod/sa/web",
        "spiffe://example.org",
        "spiffe://1.2.3.4/a/.b/..c/...",
        "spiffe://a_b-c/A/Z/0",
        "SPIFFE://Example.ORG/Web",
    ];

    // Bytes that matter to the grammar or to UTF-8, so mutations reach the interesting branches.
    private static readonly byte[] Interesting = [.. "/:.%?#@-_ Aaz09\n"u8, 0x00, 0x7F, 0x80, 0xC3, 0xA9, 0xE2, 0x84, 0xAA, 0xFF];

    [Fact]
    public void SpiffeIdParser_ThousandsOfRandomAndMutatedInputs_NoUndocumentedException()
    {
        var random = new Random(20261125);
        for (var i = 0; i < 4000; i++)
        {
            var input = i % 4 == 0
                ? RandomBytes(random, random.Next(0, 80))
                : Mutate(random, Encoding.UTF8.GetBytes(ValidIds[random.Next(ValidIds.Length)]));
            IdentityFuzzTargets.SpiffeIdParser(input);
        }
    }

    [Fact]
    public void SpiffeIdParser_BoundaryLengths_NoUndocumentedException()
    {
        foreach (var length in new[] { 2047, 2048, 2049, 4096 })
        {
            var id = Encoding.ASCII.GetBytes("spiffe://example.org/" + new string('a', length - 21));
            IdentityFuzzTargets.SpiffeIdParser(id);
        }

        IdentityFuzzTargets.SpiffeIdParser(Encoding.ASCII.GetBytes("spiffe://" + new string('a', 256)));
    }

    [Fact]
    public void SpiffeBundleParser_ThousandsOfMutatedDocuments_NoUndocumentedException()
    {
        using var ecRoot = TestAuthorities.EcRoot("ec");
        using var rsaRoot = TestAuthorities.RsaRoot("rsa");
        using var jwtKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[][] seeds =
        [
            Encoding.UTF8.GetBytes(SpiffeBundleTests.Document(SpiffeBundleTests.X509Entry(ecRoot), SpiffeBundleTests.JwtEntry("k1", jwtKey))),
            Encoding.UTF8.GetBytes(SpiffeBundleTests.Document(SpiffeBundleTests.X509Entry(rsaRoot)).Replace("]}", "],\"spiffe_sequence\":7,\"spiffe_refresh_hint\":300}", StringComparison.Ordinal)),
            """{"keys":[{"use":"jwt-svid","kty":"EC","kid":"a","crv":"P-256","x":"AA","y":"AA"},{"use":"wit-svid","kty":"OKP"}]}"""u8.ToArray(),
            """{"keys":[]}"""u8.ToArray(),
        ];
        var random = new Random(1125);
        for (var i = 0; i < 2000; i++)
        {
            var input = i % 10 == 0 ? RandomBytes(random, random.Next(0, 64)) : Mutate(random, seeds[random.Next(seeds.Length)]);
            IdentityFuzzTargets.SpiffeBundleParser(input);
        }
    }

    [Fact]
    public void SpiffeBundleMapParser_MutatedMaps_NoUndocumentedException()
    {
        byte[][] seeds =
        [
            """{"trust_domains":{"a.example":{"keys":[]},"b.example":{"keys":[],"spiffe_sequence":2}}}"""u8.ToArray(),
            """{"trust_domains":{}}"""u8.ToArray(),
        ];
        var random = new Random(2026);
        for (var i = 0; i < 1000; i++)
        {
            IdentityFuzzTargets.SpiffeBundleMapParser(Mutate(random, seeds[random.Next(seeds.Length)]));
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Applies one to four byte-level mutations: replace, insert, delete, or duplicate a slice.</summary>
    private static byte[] Mutate(Random random, byte[] seed)
    {
        var bytes = new List<byte>(seed);
        var count = random.Next(1, 5);
        for (var m = 0; m < count; m++)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            var value = random.Next(3) == 0 ? (byte)random.Next(256) : Interesting[random.Next(Interesting.Length)];
            switch (random.Next(4))
            {
                case 0 when bytes.Count > 0:
                    bytes[at] = value;
                    break;
                case 1:
                    bytes.Insert(at, value);
                    break;
                case 2 when bytes.Count > 0:
                    bytes.RemoveAt(at);
                    break;
                default:
                    var length = Math.Min(random.Next(1, 16), bytes.Count - at);
                    bytes.InsertRange(at, bytes.GetRange(at, Math.Max(0, length)));
                    break;
            }
        }

        return [.. bytes];
    }
}
