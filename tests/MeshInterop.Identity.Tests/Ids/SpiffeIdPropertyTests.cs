using System.Text;
using CsCheck;

namespace MeshInterop.Identity.Tests.Ids;

/// <summary>Laws of parsing and formatting, checked with CsCheck under fixed seeds and bounded iterations.</summary>
public sealed class SpiffeIdPropertyTests
{
    private const long Iterations = 200;
    private const string TrustDomainChars = "abcdefghijklmnopqrstuvwxyz0123456789.-_";
    private const string SegmentChars = TrustDomainChars + "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private static readonly Gen<string> TrustDomainName = Gen.String[Gen.Char[TrustDomainChars], 1, 40];

    private static readonly Gen<string> Segment = Gen.String[Gen.Char[SegmentChars], 1, 12].Where(s => s is not "." and not "..");

    private static readonly Gen<string[]> Segments = Segment.Array[0, 6];

    // Mostly grammar characters, plus the ones that trip naive parsers: percent, colon, upper case, non-ASCII, controls.
    private static readonly Gen<string> NoisyInput = Gen.OneOf(
        Gen.String[Gen.Char["spiffe:/.abcAZ09-_%?#@ \u00e9\u212a\n"], 0, 40],
        Gen.String[Gen.Char["abcXYZ/.-_%"], 0, 30].Select(tail => "spiffe://" + tail),
        Gen.String[Gen.Char["example.org/ns//..%A"], 0, 30].Select(tail => "spiffe://example.org/" + tail));

    [Fact]
    public void FromSegments_ThenParse_RoundTrips() =>
        Gen.Select(TrustDomainName, Segments).Sample((name, segments) =>
        {
            var id = SpiffeId.FromSegments(TrustDomain.Parse(name), segments);
            var text = id.ToString();
            var utf8 = new byte[id.Length];
            return SpiffeId.Parse(text) == id
                && text == "spiffe://" + name + string.Concat(segments.Select(s => "/" + s))
                && id.TryFormat(utf8, out var written) && written == id.Length
                && SpiffeId.Parse((ReadOnlySpan<byte>)utf8) == id
                && id.TrustDomain.Name == name
                && id.Path.ToString() == string.Concat(segments.Select(s => "/" + s));
        }, seed: "0N0XIzNsQ0O2", iter: Iterations, threads: 1);

    [Fact]
    public void TryParse_AnyInput_CharsAndUtf8AgreeAndSuccessIsCanonical() =>
        NoisyInput.Sample(input =>
        {
            var charOk = SpiffeId.TryParse(input.AsSpan(), SpiffeIdParseOptions.Strict, out var fromChars, out var charError, out var charIndex);
            var byteOk = SpiffeId.TryParse(Encoding.UTF8.GetBytes(input), SpiffeIdParseOptions.Strict, out var fromBytes, out var byteError, out _);
            var consistent = charOk == byteOk && charError == byteError && fromChars == fromBytes
                && SpiffeId.Validate(input) == charError
                && (charOk ? charIndex == 0 : charIndex >= 0 && charIndex <= input.Length);
            return consistent && (!charOk || fromChars.ToString() == input);
        }, seed: "0N0XIzNsQ0O2", iter: Iterations * 5, threads: 1);

    [Fact]
    public void Parse_LenientUppercaseTrustDomain_EqualsStrictLowercase() =>
        Gen.Select(TrustDomainName, Segments).Sample((name, segments) =>
        {
            var canonical = SpiffeId.FromSegments(TrustDomain.Parse(name), segments);
            var shouted = "SPIFFE://" + AsciiUpper(name) + canonical.Path.ToString();
            var lenient = SpiffeId.Parse(shouted, SpiffeIdParseOptions.AllowUppercaseSchemeAndTrustDomain);
            var strictRejects = !SpiffeId.TryParse(shouted, out _);
            return lenient == canonical && lenient.ToString() == canonical.ToString() && strictRejects;
        }, seed: "0N0XIzNsQ0O2", iter: Iterations, threads: 1);

    [Fact]
    public void TrustDomain_ParseOfNameOrId_AgreeAndRoundTrip() =>
        Gen.Select(TrustDomainName, Segments).Sample((name, segments) =>
        {
            var fromName = TrustDomain.Parse(name);
            var id = SpiffeId.FromSegments(fromName, segments);
            var fromId = TrustDomain.Parse(id.ToString());
            return fromName == fromId && fromId.GetHashCode() == fromName.GetHashCode()
                && TrustDomain.Parse(fromName.ToString()) == fromName
                && fromName.ToSpiffeId().IsRootPath && id.MemberOf(fromId);
        }, seed: "0N0XIzNsQ0O2", iter: Iterations, threads: 1);

    private static string AsciiUpper(string value)
        => string.Create(value.Length, value, static (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
            {
                span[i] = char.IsAsciiLetterLower(text[i]) ? (char)(text[i] & ~0x20) : text[i];
            }
        });
}
