using System.Text;
using MeshInterop.Identity.Bundles;

namespace MeshInterop.Identity.Fuzzing;

/// <summary>
/// Fuzz entry points for the parsers that read what peers send. Each takes raw bytes, as SharpFuzz hands them over
/// (<c>Fuzzer.LibFuzzer.Run(IdentityFuzzTargets.SpiffeIdParser)</c> in a fuzzing host that sees internals), swallows
/// the exceptions the parser documents, and throws <see cref="InvalidOperationException"/> when a law that must hold
/// for every input is broken. Any other exception is a bug.
/// </summary>
internal static class IdentityFuzzTargets
{
    private static readonly TrustDomain FuzzTrustDomain = TrustDomain.Parse("fuzz.example");

    /// <summary>Parses the input as a SPIFFE ID and as a trust domain, from UTF-8 and from UTF-16, in every mode.</summary>
    public static void SpiffeIdParser(ReadOnlySpan<byte> data)
    {
        var strictOk = SpiffeId.TryParse(data, SpiffeIdParseOptions.Strict, out var strict, out var strictError, out var strictIndex);
        Check(strictOk == (strictError == SpiffeIdError.None), "success and error disagree");
        Check(strictOk || (strictIndex >= 0 && strictIndex <= data.Length), "error index outside the input");

        var text = Encoding.UTF8.GetString(data);
        var charsOk = SpiffeId.TryParse(text, SpiffeIdParseOptions.Strict, out var fromChars, out _, out _);
        if (strictOk)
        {
            // A strictly valid ID is ASCII and already canonical: every path to it gives the same value and bytes.
            Check(charsOk && fromChars == strict, "UTF-8 and UTF-16 parsing disagree");
            Check(strict.ToString() == text, "strict parsing changed the input");
            var utf8 = new byte[strict.Length];
            Check(strict.TryFormat(utf8, out var written) && data.SequenceEqual(utf8.AsSpan(0, written)), "UTF-8 formatting changed the input");
            Check(SpiffeId.FromPath(strict.TrustDomain, strict.Path.ToString()) == strict, "FromPath does not rebuild the ID");
            Check(TrustDomain.TryParse(data, out var trustDomain, out _) && trustDomain == strict.TrustDomain, "trust domain parsing disagrees");
        }
        else
        {
            Check(!charsOk || text.Length != data.Length || !Ascii.IsValid(data), "UTF-16 parsing accepted what UTF-8 parsing rejected");
        }

        const SpiffeIdParseOptions Lenient = SpiffeIdParseOptions.AllowUppercaseSchemeAndTrustDomain | SpiffeIdParseOptions.AllowOverlongId;
        if (SpiffeId.TryParse(data, Lenient, out var lenient, out _, out _))
        {
            // Leniency only folds ASCII case: the canonical form is strictly valid, apart from the length limit.
            var reparsed = SpiffeId.TryParse(lenient.ToString(), SpiffeIdParseOptions.AllowOverlongId, out var canonical, out _, out _);
            Check(reparsed && canonical == lenient, "the lenient canonical form is not strictly valid");
            Check(!strictOk || lenient == strict, "lenient and strict parsing disagree on a strictly valid ID");
        }

        _ = TrustDomain.TryParse(data, Lenient, out _, out _, out _);
        _ = SpiffeId.ValidatePath(text);
        _ = SpiffeId.ValidatePathSegment(text);
    }

    /// <summary>Parses the input as a bundle document; a parsed bundle must survive writing and parsing again.</summary>
    public static void SpiffeBundleParser(ReadOnlySpan<byte> data)
    {
        if (!SpiffeBundle.TryParse(data, FuzzTrustDomain, out var bundle, out _))
        {
            return;
        }

        var again = SpiffeBundle.Parse(bundle.ToUtf8Json(), FuzzTrustDomain);
        Check(again.X509Bundle.ContentEquals(bundle.X509Bundle) && again.JwtBundle.ContentEquals(bundle.JwtBundle), "a written bundle parses to other content");
        Check(again.SequenceNumber == bundle.SequenceNumber && again.RefreshHint == bundle.RefreshHint, "a written bundle lost its sequence or hint");
    }

    /// <summary>Parses the input as a bundle map.</summary>
    public static void SpiffeBundleMapParser(ReadOnlySpan<byte> data)
    {
        SpiffeBundleMap map;
        try
        {
            map = SpiffeBundleMap.Parse(data);
        }
        catch (SpiffeBundleFormatException)
        {
            return;
        }

        var again = SpiffeBundleMap.Parse(map.ToUtf8Json());
        Check(again.Bundles.Count == map.Bundles.Count, "a written bundle map lost trust domains");
    }

    private static void Check(bool condition, string law)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Fuzz law broken: " + law + ".");
        }
    }
}
