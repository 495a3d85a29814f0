using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MeshInterop.Identity.Bundles;

namespace MeshInterop.Identity.Tests.Bundles;

public sealed class SpiffeBundleTests
{
    private static readonly TrustDomain Domain = TrustDomain.Parse("example.org");

    [Fact]
    public void Parse_EmptyKeys_ValidWithNoAuthorities()
    {
        var bundle = Parse("""{"keys":[]}""");

        Assert.Equal(Domain, bundle.TrustDomain);
        Assert.Empty(bundle.X509Bundle.Authorities);
        Assert.Empty(bundle.JwtBundle.Authorities);
        Assert.Null(bundle.SequenceNumber);
        Assert.Null(bundle.RefreshHint);
        Assert.Empty(bundle.Diagnostics);
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"keys":{}}""")]
    [InlineData("""{"keys":null}""")]
    [InlineData("""[]""")]
    [InlineData("""{"keys":[]""")]
    [InlineData("""{"keys":[],}""")]
    [InlineData("""{"keys":[]} // comment""")]
    [InlineData("")]
    public void Parse_KeysMissingOrDocumentMalformed_Rejected(string json)
        => Assert.Throws<SpiffeBundleFormatException>(() => Parse(json));

    [Fact]
    public void Parse_UnknownTopLevelMembers_Ignored()
    {
        var bundle = Parse("""{"keys":[],"future":{"a":[1,2]},"spiffe_x":"y"}""");

        Assert.Empty(bundle.Diagnostics);
    }

    [Theory]
    [InlineData("""{"keys":[],"keys":[]}""")]
    [InlineData("""{"keys":[],"spiffe_sequence":1,"spiffe_sequence":2}""")]
    [InlineData("""{"keys":[{"use":"jwt-svid","use":"x509-svid","kty":"EC"}]}""")]
    [InlineData("""{"keys":[],"x":{"a":1,"a":2}}""")]
    public void Parse_DuplicateMembers_Rejected(string json)
    {
        var exception = Assert.Throws<SpiffeBundleFormatException>(() => Parse(json));

        Assert.Contains("duplicate", exception.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("0", 0UL)]
    [InlineData("42", 42UL)]
    [InlineData("18446744073709551615", ulong.MaxValue)]
    public void Parse_SpiffeSequence_ReadAs64BitUnsigned(string value, ulong expected)
        => Assert.Equal(expected, Parse($$"""{"keys":[],"spiffe_sequence":{{value}}}""").SequenceNumber);

    [Theory]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("18446744073709551616")]
    [InlineData("\"7\"")]
    [InlineData("null")]
    public void Parse_SpiffeSequenceInvalid_TreatedAsAbsentWithDiagnostic(string value)
    {
        var bundle = Parse($$"""{"keys":[],"spiffe_sequence":{{value}}}""");

        Assert.Null(bundle.SequenceNumber);
        var diagnostic = Assert.Single(bundle.Diagnostics);
        Assert.Equal(SpiffeBundleIssue.InvalidSequence, diagnostic.Issue);
        Assert.Null(diagnostic.EntryIndex);
    }

    [Fact]
    public void Parse_SpiffeRefreshHint_ReadAsSeconds()
        => Assert.Equal(TimeSpan.FromSeconds(300), Parse("""{"keys":[],"spiffe_refresh_hint":300}""").RefreshHint);

    [Theory]
    [InlineData("1.5")]
    [InlineData("0")]
    [InlineData("-300")]
    [InlineData("\"300\"")]
    [InlineData("99999999999999999999")]
    public void Parse_SpiffeRefreshHintInvalid_TreatedAsAbsentWithDiagnostic(string value)
    {
        var bundle = Parse($$"""{"keys":[],"spiffe_refresh_hint":{{value}}}""");

        Assert.Null(bundle.RefreshHint);
        Assert.Equal(SpiffeBundleIssue.InvalidRefreshHint, Assert.Single(bundle.Diagnostics).Issue);
    }

    [Fact]
    public void Parse_X509Entry_AuthorityLoaded()
    {
        using var root = TestAuthorities.EcRoot("root");

        var bundle = Parse(Document(X509Entry(root)));

        Assert.True(bundle.X509Bundle.ContainsAuthority(root));
        Assert.Empty(bundle.Diagnostics);
    }

    [Theory]
    [InlineData("OKP", SpiffeBundleIssue.UnknownKeyType)]
    [InlineData("oct", SpiffeBundleIssue.UnknownKeyType)]
    [InlineData("rsa", SpiffeBundleIssue.UnknownKeyType)]
    [InlineData(null, SpiffeBundleIssue.MissingKeyType)]
    public void Parse_UnknownOrMissingKty_EntryIgnoredBundleKept(string? kty, SpiffeBundleIssue issue)
    {
        using var root = TestAuthorities.EcRoot("root");
        var odd = kty is null ? """{"use":"jwt-svid","kid":"k"}""" : $$"""{"use":"jwt-svid","kty":"{{kty}}","kid":"k","x":"AA"}""";

        var bundle = Parse(Document(odd, X509Entry(root)));

        Assert.True(bundle.X509Bundle.ContainsAuthority(root));
        var diagnostic = Assert.Single(bundle.Diagnostics);
        Assert.Equal(issue, diagnostic.Issue);
        Assert.Equal(0, diagnostic.EntryIndex);
        Assert.True(diagnostic.EntryIgnored);
    }

    [Theory]
    [InlineData("\"sig\"", SpiffeBundleIssue.UnknownUse)]
    [InlineData("\"X509-SVID\"", SpiffeBundleIssue.UnknownUse)]
    [InlineData("\"wit-svid\"", SpiffeBundleIssue.WitSvidEntry)]
    [InlineData("7", SpiffeBundleIssue.MissingUse)]
    [InlineData(null, SpiffeBundleIssue.MissingUse)]
    public void Parse_UnknownOrMissingUse_EntryIgnored(string? use, SpiffeBundleIssue issue)
    {
        using var root = TestAuthorities.EcRoot("root");
        var entry = X509Entry(root);
        entry = use is null ? entry.Replace("\"use\":\"x509-svid\",", string.Empty, StringComparison.Ordinal) : entry.Replace("\"x509-svid\"", use, StringComparison.Ordinal);

        var bundle = Parse(Document(entry));

        Assert.Empty(bundle.X509Bundle.Authorities);
        Assert.Equal(issue, Assert.Single(bundle.Diagnostics).Issue);
    }

    [Theory]
    [InlineData("")]
    [InlineData(",\"x5c\":[]")]
    [InlineData(",\"x5c\":\"MIIB\"")]
    public void Parse_X5cAbsentOrEmpty_EntryIgnored(string x5c)
    {
        var bundle = Parse(Document($$"""{"use":"x509-svid","kty":"EC"{{x5c}}}"""));

        Assert.Empty(bundle.X509Bundle.Authorities);
        Assert.Equal(SpiffeBundleIssue.MissingCertificate, Assert.Single(bundle.Diagnostics).Issue);
    }

    [Fact]
    public void Parse_SeveralX5c_OnlyFirstUsed()
    {
        using var first = TestAuthorities.EcRoot("first");
        using var second = TestAuthorities.EcRoot("second");
        var entry = X509Entry(first).Replace("\"]", "\",\"" + Convert.ToBase64String(second.RawData) + "\"]", StringComparison.Ordinal);

        var bundle = Parse(Document(entry));

        Assert.True(bundle.X509Bundle.ContainsAuthority(first));
        Assert.False(bundle.X509Bundle.ContainsAuthority(second));
        var diagnostic = Assert.Single(bundle.Diagnostics);
        Assert.Equal(SpiffeBundleIssue.ExtraCertificates, diagnostic.Issue);
        Assert.False(diagnostic.EntryIgnored);
    }

    [Theory]
    [InlineData("\"not base64!\"")]
    [InlineData("\"AAAA\"")]
    [InlineData("5")]
    public void Parse_X5cUndecodable_EntryIgnored(string value)
    {
        var bundle = Parse(Document($$"""{"use":"x509-svid","kty":"EC","x5c":[{{value}}]}"""));

        Assert.Equal(SpiffeBundleIssue.UndecodableCertificate, Assert.Single(bundle.Diagnostics).Issue);
    }

    [Fact]
    public void Parse_X5cWithUndecodablePublicKey_EntryIgnoredNotThrown()
    {
        // Regression (found by the fuzz test): a certificate that loads but whose EC point cannot be decoded.
        using var root = TestAuthorities.EcRoot("root");
        var der = root.RawData;
        using var key = root.GetECDsaPublicKey()!;
        var point = key.ExportParameters(false).Q.X!;
        var at = der.AsSpan().IndexOf(point) - 1;
        Assert.Equal(0x04, der[at]);
        der[at] = 0x05;   // not a valid point encoding (0x02, 0x03, 0x04, 0x06 and 0x07 are)
        using (var loaded = X509CertificateLoader.LoadCertificate(der))
        {
            Assert.ThrowsAny<CryptographicException>(() => loaded.GetECDsaPublicKey());
        }

        var entry = $$"""{"use":"x509-svid","kty":"EC","x5c":["{{Convert.ToBase64String(der)}}"]}""";

        var bundle = Parse(Document(entry));

        Assert.Empty(bundle.X509Bundle.Authorities);
        Assert.Equal(SpiffeBundleIssue.UndecodableCertificate, Assert.Single(bundle.Diagnostics).Issue);
    }

    [Fact]
    public void Parse_X5cNotCa_EntryIgnored()
    {
        using var leaf = TestAuthorities.EcLeaf("leaf");
        using var plain = TestAuthorities.EcWithoutBasicConstraints("plain");

        var bundle = Parse(Document(X509Entry(leaf), X509Entry(plain)));

        Assert.Empty(bundle.X509Bundle.Authorities);
        Assert.All(bundle.Diagnostics, d => Assert.Equal(SpiffeBundleIssue.NotCertificateAuthority, d.Issue));
        Assert.Equal(2, bundle.Diagnostics.Count);
    }

    [Fact]
    public void Parse_JwkKeyParametersDifferFromCertificate_EntryIgnored()
    {
        using var root = TestAuthorities.EcRoot("root");
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var q = other.ExportParameters(false).Q;
        var entry = $$"""{"use":"x509-svid","kty":"EC","crv":"P-256","x":"{{Base64Url.EncodeToString(q.X)}}","y":"{{Base64Url.EncodeToString(q.Y)}}","x5c":["{{Convert.ToBase64String(root.RawData)}}"]}""";

        var bundle = Parse(Document(entry));

        Assert.Empty(bundle.X509Bundle.Authorities);
        Assert.Equal(SpiffeBundleIssue.KeyMismatch, Assert.Single(bundle.Diagnostics).Issue);
    }

    [Fact]
    public void Parse_KtyDiffersFromCertificateKey_EntryIgnored()
    {
        using var root = TestAuthorities.EcRoot("root");
        var entry = X509Entry(root).Replace("\"kty\":\"EC\"", "\"kty\":\"RSA\"", StringComparison.Ordinal);

        Assert.Equal(SpiffeBundleIssue.KeyMismatch, Assert.Single(Parse(Document(entry)).Diagnostics).Issue);
    }

    [Fact]
    public void Parse_X509EntryWithKid_ToleratedAndUsed()
    {
        using var root = TestAuthorities.RsaRoot("root");
        var entry = X509Entry(root).Replace("{", "{\"kid\":\"k1\",", StringComparison.Ordinal);

        var bundle = Parse(Document(entry));

        Assert.True(bundle.X509Bundle.ContainsAuthority(root));
        var diagnostic = Assert.Single(bundle.Diagnostics);
        Assert.Equal(SpiffeBundleIssue.UnexpectedKeyId, diagnostic.Issue);
        Assert.False(diagnostic.EntryIgnored);
    }

    [Fact]
    public void Parse_JwtEntries_KeysByKid()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var rsa = RSA.Create(2048);

        var bundle = Parse(Document(JwtEntry("ec-1", ec), JwtEntry("rsa-1", rsa)));

        Assert.True(bundle.JwtBundle.TryGetAuthority("ec-1", out var ecAuthority));
        Assert.Equal(JwtKeyType.EllipticCurve, ecAuthority.KeyType);
        Assert.Equal("P-384", ecAuthority.Curve);
        Assert.True(bundle.JwtBundle.TryGetAuthority("rsa-1", out var rsaAuthority));
        Assert.Equal(rsa.ExportParameters(false).Modulus, rsaAuthority.ExportRsaParameters().Modulus);
        Assert.Empty(bundle.X509Bundle.Authorities);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Parse_JwtEntryWithoutKid_EntryIgnored(string? kid)
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var entry = JwtEntry(kid ?? "drop", ec);
        entry = kid is null ? entry.Replace("\"kid\":\"drop\",", string.Empty, StringComparison.Ordinal) : entry;

        var bundle = Parse(Document(entry));

        Assert.Empty(bundle.JwtBundle.Authorities);
        Assert.Equal(SpiffeBundleIssue.MissingKeyId, Assert.Single(bundle.Diagnostics).Issue);
    }

    [Fact]
    public void Parse_DuplicateKid_EveryEntryWithThatKidDropped()
    {
        using var a = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var b = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var c = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var bundle = Parse(Document(JwtEntry("same", a), JwtEntry("unique", c), JwtEntry("same", b)));

        Assert.Equal(["unique"], bundle.JwtBundle.Authorities.Keys);
        Assert.Equal([0, 2], bundle.Diagnostics.Select(d => d.EntryIndex ?? -1));
        Assert.All(bundle.Diagnostics, d => Assert.Equal(SpiffeBundleIssue.DuplicateKeyId, d.Issue));
    }

    [Theory]
    [InlineData("""{"use":"jwt-svid","kty":"EC","kid":"k","crv":"P-256","x":"AA","y":"AA"}""")]
    [InlineData("""{"use":"jwt-svid","kty":"EC","kid":"k","crv":"secp256k1","x":"AA","y":"AA"}""")]
    [InlineData("""{"use":"jwt-svid","kty":"EC","kid":"k","x":"AA","y":"AA"}""")]
    [InlineData("""{"use":"jwt-svid","kty":"RSA","kid":"k","n":"%%","e":"AQAB"}""")]
    [InlineData("""{"use":"jwt-svid","kty":"RSA","kid":"k","e":"AQAB"}""")]
    [InlineData("""{"use":"jwt-svid","kty":"RSA","kid":"k","n":"AAAA","e":"AQAB"}""")]
    public void Parse_JwtEntryWithInvalidKey_EntryIgnored(string entry)
        => Assert.Equal(SpiffeBundleIssue.InvalidKeyParameters, Assert.Single(Parse(Document(entry)).Diagnostics).Issue);

    [Fact]
    public void Parse_JwtEntryPointNotOnCurve_EntryIgnored()
    {
        var x = Base64Url.EncodeToString(Enumerable.Repeat((byte)1, 32).ToArray());
        var entry = $$"""{"use":"jwt-svid","kty":"EC","kid":"k","crv":"P-256","x":"{{x}}","y":"{{x}}"}""";

        Assert.Equal(SpiffeBundleIssue.InvalidKeyParameters, Assert.Single(Parse(Document(entry)).Diagnostics).Issue);
    }

    [Fact]
    public void Parse_EntryNotObject_Ignored()
        => Assert.Equal(SpiffeBundleIssue.EntryNotObject, Assert.Single(Parse("""{"keys":[1]}""").Diagnostics).Issue);

    [Fact]
    public void Parse_LargerThanOneMebibyte_Rejected()
    {
        var padding = new string(' ', SpiffeBundle.MaxDocumentBytes);
        var exception = Assert.Throws<SpiffeBundleFormatException>(() => Parse("""{"keys":[]}""" + padding));

        Assert.Contains("limit", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MoreThanMaxKeys_Rejected()
    {
        var json = "{\"keys\":[" + string.Join(',', Enumerable.Repeat("{}", SpiffeBundle.MaxKeys + 1)) + "]}";

        Assert.Throws<SpiffeBundleFormatException>(() => Parse(json));
    }

    [Fact]
    public void Parse_InvalidUtf8_Rejected()
    {
        byte[] json = [.. """{"keys":[],"x":"""u8, (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}'];

        Assert.Throws<SpiffeBundleFormatException>(() => SpiffeBundle.Parse(json, Domain));
        Assert.False(SpiffeBundle.TryParse(json, Domain, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Parse_DefaultTrustDomain_Throws()
        => Assert.Throws<ArgumentException>(() => SpiffeBundle.Parse("""{"keys":[]}"""u8, default));

    [Fact]
    public void WriteTo_ThenParse_RoundTripsEverything()
    {
        using var ecRoot = TestAuthorities.EcRoot("ec", ECCurve.NamedCurves.nistP521);
        using var rsaRoot = TestAuthorities.RsaRoot("rsa");
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(3072);
        var original = new SpiffeBundle(
            new X509Bundle(Domain, [ecRoot, rsaRoot]),
            new JwtBundle(Domain, [JwtAuthority.FromECDsa("ec", ec.ExportParameters(false)), JwtAuthority.FromRsa("rsa", rsa.ExportParameters(false))]),
            sequenceNumber: 17,
            refreshHint: TimeSpan.FromMinutes(5));

        var json = original.ToUtf8Json();
        var parsed = SpiffeBundle.Parse(json, Domain);

        Assert.Empty(parsed.Diagnostics);
        Assert.True(original.X509Bundle.ContentEquals(parsed.X509Bundle));
        Assert.True(original.JwtBundle.ContentEquals(parsed.JwtBundle));
        Assert.Equal(17UL, parsed.SequenceNumber);
        Assert.Equal(TimeSpan.FromMinutes(5), parsed.RefreshHint);
        Assert.Equal(json, parsed.ToUtf8Json());
    }

    [Fact]
    public void WriteTo_X509Entries_HaveNoKidAndOneX5c()
    {
        using var root = TestAuthorities.EcRoot("root");
        var json = Encoding.UTF8.GetString(new SpiffeBundle(new X509Bundle(Domain, [root]), new JwtBundle(Domain, [])).ToUtf8Json());

        Assert.DoesNotContain("kid", json, StringComparison.Ordinal);
        Assert.Contains("\"use\":\"x509-svid\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("spiffe_sequence", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_BundlesOfDifferentTrustDomains_Throws()
        => Assert.Throws<ArgumentException>(() => new SpiffeBundle(new X509Bundle(Domain, []), new JwtBundle(TrustDomain.Parse("other.org"), [])));

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(1.5)]
    public void Constructor_RefreshHintNotWholePositiveSeconds_Throws(double seconds)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new SpiffeBundle(new X509Bundle(Domain, []), new JwtBundle(Domain, []), null, TimeSpan.FromSeconds(seconds)));

    internal static string X509Entry(X509Certificate2 certificate)
    {
        var kty = certificate.GetKeyAlgorithm() == "1.2.840.10045.2.1" ? "EC" : "RSA";
        return $$"""{"use":"x509-svid","kty":"{{kty}}","x5c":["{{Convert.ToBase64String(certificate.RawData)}}"]}""";
    }

    internal static string JwtEntry(string kid, AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec => EcJwk(kid, ec.ExportParameters(false)),
        RSA rsa => $$"""{"use":"jwt-svid","kid":"{{kid}}","kty":"RSA","n":"{{Base64Url.EncodeToString(rsa.ExportParameters(false).Modulus)}}","e":"{{Base64Url.EncodeToString(rsa.ExportParameters(false).Exponent)}}"}""",
        _ => throw new ArgumentOutOfRangeException(nameof(key)),
    };

    internal static string Document(params string[] entries) => "{\"keys\":[" + string.Join(',', entries) + "]}";

    private static string EcJwk(string kid, ECParameters parameters)
    {
        var curve = parameters.Q.X!.Length switch { 32 => "P-256", 48 => "P-384", _ => "P-521" };
        return $$"""{"use":"jwt-svid","kid":"{{kid}}","kty":"EC","crv":"{{curve}}","x":"{{Base64Url.EncodeToString(parameters.Q.X)}}","y":"{{Base64Url.EncodeToString(parameters.Q.Y)}}"}""";
    }

    private static SpiffeBundle Parse(string json) => SpiffeBundle.Parse(Encoding.UTF8.GetBytes(json), Domain);
}
