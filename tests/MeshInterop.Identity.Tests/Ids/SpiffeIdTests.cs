using System.Text;

namespace MeshInterop.Identity.Tests.Ids;

public sealed class SpiffeIdTests
{
    [Theory]
    [InlineData("spiffe://example.org/ns/prod/sa/web", "example.org", "/ns/prod/sa/web")]
    [InlineData("spiffe://example.org", "example.org", "")]
    [InlineData("spiffe://1.2.3.4/web", "1.2.3.4", "/web")]
    [InlineData("spiffe://a_b-c.d/A/Z/.x/..x/.../x-y_z.0", "a_b-c.d", "/A/Z/.x/..x/.../x-y_z.0")]
    public void Parse_ValidId_ExposesTrustDomainAndPath(string input, string trustDomain, string path)
    {
        var id = SpiffeId.Parse(input);

        Assert.Equal(input, id.ToString());
        Assert.Equal(trustDomain, id.TrustDomain.Name);
        Assert.Equal(path, id.Path.ToString());
        Assert.Equal(path.Length == 0, id.IsRootPath);
        Assert.True(id.MemberOf(TrustDomain.Parse(trustDomain)));
    }

    [Fact]
    public void TryParse_CanonicalString_KeepsTheInstance()
    {
        var input = "spiffe://example.org/ns/prod";

        Assert.True(SpiffeId.TryParse(input, out var id));

        Assert.Same(input, id.ToString());
    }

    [Fact]
    public void TryParse_CanonicalStringOrAnyFailure_AllocatesNothing()
    {
        const string Canonical = "spiffe://prod.example.org/ns/payments/sa/checkout-frontend-1";
        var trailing = Canonical + "/";
        var percentUtf8 = "spiffe://example.org/%61dmin"u8.ToArray();
        var lookup = TrustDomain.Parse("prod.example.org");
        var rounds = 0;
        for (var pass = 0; pass < 2; pass++)
        {
            // The first pass warms up (JIT, static initialisation); only the second is measured.
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 200; i++)
            {
                rounds += SpiffeId.TryParse(Canonical, out var id) && id.MemberOf(lookup) && id.TrustDomain == lookup ? 1 : 0;
                rounds += SpiffeId.TryParse(trailing, out _) ? 1 : 0;
                rounds += SpiffeId.Validate(Canonical) == SpiffeIdError.None ? 1 : 0;
                rounds += SpiffeId.TryParse(percentUtf8, out _, out _) ? 1 : 0;
                rounds += SpiffeId.TryParse(trailing.AsSpan(), out _, out _) ? 1 : 0;
                rounds += TrustDomain.TryParse(Canonical, out _) ? 1 : 0;
            }

            if (pass == 1)
            {
                Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            }
        }

        Assert.Equal(3 * 200 * 2, rounds);
    }

    [Fact]
    public void TryParse_Utf8Success_AllocatesOnlyTheString()
    {
        var utf8 = "spiffe://prod.example.org/ns/payments/sa/checkout-frontend-1"u8.ToArray();
        Assert.True(SpiffeId.TryParse(utf8, out _, out _));
        var expected = GC.GetAllocatedBytesForCurrentThread();
        var sized = new string('x', utf8.Length);
        expected = GC.GetAllocatedBytesForCurrentThread() - expected;

        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(SpiffeId.TryParse(utf8, out var id, out _));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(expected, allocated);
        Assert.Equal(sized.Length, id.Length);
    }

    [Theory]
    [InlineData("", SpiffeIdError.Empty, 0)]
    [InlineData("http://example.org/web", SpiffeIdError.WrongScheme, 0)]
    [InlineData("spiffe:/example.org/web", SpiffeIdError.WrongScheme, 8)]
    [InlineData("spiffe", SpiffeIdError.WrongScheme, 6)]
    [InlineData("example.org/web", SpiffeIdError.WrongScheme, 0)]
    [InlineData("spiffe://", SpiffeIdError.MissingTrustDomain, 9)]
    [InlineData("spiffe:///web", SpiffeIdError.MissingTrustDomain, 9)]
    [InlineData("spiffe://example.org/web?x=1", SpiffeIdError.BadPathSegmentChar, 24)]
    [InlineData("spiffe://example.org/web#frag", SpiffeIdError.BadPathSegmentChar, 24)]
    [InlineData("spiffe://example.org?x", SpiffeIdError.BadTrustDomainChar, 20)]
    public void Parse_ID1_SchemeTrustDomainQueryFragment_Rejected(string input, SpiffeIdError error, int index)
        => AssertRejected(input, error, index);

    [Theory]
    [InlineData("spiffe://user@example.org/web", SpiffeIdError.BadTrustDomainChar, 13)]
    [InlineData("spiffe://example.org:443/web", SpiffeIdError.BadTrustDomainChar, 20)]
    public void Parse_ID2_UserinfoAndPort_Rejected(string input, SpiffeIdError error, int index)
        => AssertRejected(input, error, index);

    [Theory]
    [InlineData("spiffe://Example.org/web", 9)]
    [InlineData("spiffe://exa~mple.org/web", 12)]
    [InlineData("spiffe://[::1]/web", 9)]
    [InlineData("spiffe://ex!ample/web", 11)]
    [InlineData("spiffe://exämple.org/web", 11)]
    [InlineData("spiffe://\u212Aexample.org/web", 9)]
    [InlineData(" spiffe://example.org/web", -1)]
    public void Parse_ID3_TrustDomainOutsideLowercaseSet_Rejected(string input, int index)
    {
        if (index < 0)
        {
            AssertRejected(input, SpiffeIdError.WrongScheme, 0);
            return;
        }

        AssertRejected(input, SpiffeIdError.BadTrustDomainChar, index);
    }

    [Fact]
    public void Parse_ID4_PercentInTrustDomain_Rejected()
        => AssertRejected("spiffe://ex%61mple.org/web", SpiffeIdError.BadTrustDomainChar, 11);

    [Theory]
    [InlineData("spiffe://.example.org./x")]
    [InlineData("spiffe://example..org/x")]
    [InlineData("spiffe://-example-/x")]
    [InlineData("spiffe://192.168.0.1/x")]
    [InlineData("spiffe://xn--bcher-kva.example/x")]
    [InlineData("spiffe://_/x")]
    public void Parse_ID5_NoDnsOrIpSpecialCasing_Accepted(string input)
        => Assert.Equal(input, SpiffeId.Parse(input).ToString());

    [Theory]
    [InlineData("spiffe://example.org/%61dmin", 21)]
    [InlineData("spiffe://example.org/a%2Fb", 22)]
    public void Parse_ID6_PercentInPath_Rejected(string input, int index)
        => AssertRejected(input, SpiffeIdError.BadPathSegmentChar, index);

    [Theory]
    [InlineData("spiffe://example.org//web", SpiffeIdError.EmptySegment, 21)]
    [InlineData("spiffe://example.org/a//b", SpiffeIdError.EmptySegment, 23)]
    [InlineData("spiffe://example.org/a/../admin", SpiffeIdError.DotSegment, 23)]
    [InlineData("spiffe://example.org/./a", SpiffeIdError.DotSegment, 21)]
    [InlineData("spiffe://example.org/a/.", SpiffeIdError.DotSegment, 23)]
    [InlineData("spiffe://example.org/a/..", SpiffeIdError.DotSegment, 23)]
    [InlineData("spiffe://example.org//a%", SpiffeIdError.EmptySegment, 21)]
    public void Parse_ID7_EmptyAndDotSegments_Rejected(string input, SpiffeIdError error, int index)
        => AssertRejected(input, error, index);

    [Theory]
    [InlineData("spiffe://example.org/web/", 24)]
    [InlineData("spiffe://example.org/", 20)]
    public void Parse_ID8_TrailingSlash_Rejected(string input, int index)
        => AssertRejected(input, SpiffeIdError.TrailingSlash, index);

    [Fact]
    public void Parse_ID8_BadCharBeforeTrailingSlash_WinsOverTrailingSlash()
        => AssertRejected("spiffe://example.org/w$b/", SpiffeIdError.BadPathSegmentChar, 22);

    [Theory]
    [InlineData("spiffe://example.org/w b", 22)]
    [InlineData("spiffe://example.org/w\u00e9b", 22)]
    [InlineData("spiffe://example.org/web\n", 24)]
    [InlineData("spiffe://example.org/w~b", 22)]
    [InlineData("spiffe://example.org/w:b", 22)]
    [InlineData("spiffe://example.org/w+b", 22)]
    public void Parse_ID9_PathOutsideSegmentSet_Rejected(string input, int index)
        => AssertRejected(input, SpiffeIdError.BadPathSegmentChar, index);

    [Fact]
    public void Parse_ID9_UppercasePath_AcceptedAndKept()
        => Assert.Equal("/NS/Prod", SpiffeId.Parse("spiffe://example.org/NS/Prod").Path.ToString());

    [Fact]
    public void Parse_ID10_IdOf2048Bytes_Accepted()
    {
        var input = LongId(SpiffeId.MaxLength);

        Assert.Equal(SpiffeId.MaxLength, SpiffeId.Parse(input).Length);
    }

    [Fact]
    public void Parse_ID10_IdOver2048Bytes_RejectedUnlessAllowed()
    {
        var input = LongId(SpiffeId.MaxLength + 1);

        AssertRejected(input, SpiffeIdError.IdTooLong, SpiffeId.MaxLength);
        Assert.Equal(input, SpiffeId.Parse(input, SpiffeIdParseOptions.AllowOverlongId).ToString());
    }

    [Fact]
    public void Parse_ID10_TrustDomainOver255Bytes_RejectedInEveryMode()
    {
        var input = "spiffe://" + new string('a', 256) + "/x";

        AssertRejected(input, SpiffeIdError.TrustDomainTooLong, 9 + 255);
        Assert.False(SpiffeId.TryParse(input, SpiffeIdParseOptions.AllowOverlongId | SpiffeIdParseOptions.AllowUppercaseSchemeAndTrustDomain, out _, out var error, out _));
        Assert.Equal(SpiffeIdError.TrustDomainTooLong, error);
        Assert.Equal(255, SpiffeId.Parse("spiffe://" + new string('a', 255)).TrustDomain.Length);
    }

    [Theory]
    [InlineData("SPIFFE://example.org/web", SpiffeIdError.WrongScheme, 0)]
    [InlineData("spiffe://Example.org/web", SpiffeIdError.BadTrustDomainChar, 9)]
    public void Parse_ID11_UppercaseSchemeOrTrustDomain_StrictRejects(string input, SpiffeIdError error, int index)
        => AssertRejected(input, error, index);

    [Theory]
    [InlineData("SPIFFE://Example.ORG/Web", "spiffe://example.org/Web")]
    [InlineData("Spiffe://example.org", "spiffe://example.org")]
    [InlineData("spiffe://EXAMPLE.org/A", "spiffe://example.org/A")]
    public void Parse_ID11_LenientFoldsSchemeAndTrustDomainOnly(string input, string canonical)
    {
        var id = SpiffeId.Parse(input, SpiffeIdParseOptions.AllowUppercaseSchemeAndTrustDomain);

        Assert.Equal(canonical, id.ToString());
        Assert.Equal(SpiffeId.Parse(canonical), id);
    }

    [Theory]
    [InlineData("spiffe://\u212Aexample.org/web")]
    [InlineData("spiffe://\u0130xample.org/web")]
    [InlineData("spiffe://example.\u0131rg/web")]
    public void Parse_ID11_LenientNeverFoldsUnicode(string input)
    {
        Assert.False(SpiffeId.TryParse(input, SpiffeIdParseOptions.AllowUppercaseSchemeAndTrustDomain, out _, out var error, out _));
        Assert.Equal(SpiffeIdError.BadTrustDomainChar, error);
    }

    [Fact]
    public void Parse_ID12_SamePathInOtherTrustDomain_NotEqualAndNotMember()
    {
        var local = SpiffeId.Parse("spiffe://example.org/ns/prod/sa/web");
        var foreign = SpiffeId.Parse("spiffe://evil.example/ns/prod/sa/web");

        Assert.NotEqual(local, foreign);
        Assert.False(foreign.MemberOf(local.TrustDomain));
        Assert.True(local.Path.SequenceEqual(foreign.Path));
    }

    [Theory]
    [InlineData("spiffe://example.org/ns/prod/sa/web")]
    [InlineData("spiffe://example.org/%61dmin")]
    [InlineData("spiffe://example.org/web/")]
    [InlineData("SPIFFE://example.org/web")]
    [InlineData("spiffe://ex\u00e4mple.org/web")]
    public void TryParse_Utf8Bytes_AgreesWithChars(string input)
    {
        var bytes = Encoding.UTF8.GetBytes(input);

        var charOk = SpiffeId.TryParse(input.AsSpan(), SpiffeIdParseOptions.Strict, out var fromChars, out var charError, out var charIndex);
        var byteOk = SpiffeId.TryParse(bytes, SpiffeIdParseOptions.Strict, out var fromBytes, out var byteError, out var byteIndex);

        Assert.Equal(charOk, byteOk);
        Assert.Equal(charError, byteError);
        Assert.Equal(fromChars, fromBytes);
        if (input.All(char.IsAscii))
        {
            Assert.Equal(charIndex, byteIndex);
        }
    }

    [Fact]
    public void Parse_Invalid_ThrowsWithErrorIndexAndEcosystemMessage()
    {
        var exception = Assert.Throws<SpiffeIdFormatException>(() => SpiffeId.Parse("spiffe://example.org/web/"));

        Assert.Equal(SpiffeIdError.TrailingSlash, exception.Error);
        Assert.Equal(24, exception.Index);
        Assert.Contains("path cannot have a trailing slash", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_IsEmptyAndRejected()
    {
        SpiffeId id = default;

        Assert.True(id.IsEmpty);
        Assert.Equal(string.Empty, id.ToString());
        Assert.Throws<InvalidOperationException>(() => id.AppendPath("/x"));
        Assert.Throws<InvalidOperationException>(() => id.ReplaceSegments("x"));
        Assert.Throws<ArgumentException>(() => SpiffeId.Parse("spiffe://example.org").MemberOf(default));
        Assert.Throws<ArgumentException>(() => SpiffeId.FromPath(default, "/x"));
    }

    [Fact]
    public void Equality_IsOrdinalOverCanonicalForm()
    {
        var a = SpiffeId.Parse("spiffe://example.org/Web");
        var b = SpiffeId.Parse(new string("spiffe://example.org/Web".AsSpan()));
        var c = SpiffeId.Parse("spiffe://example.org/web");

        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
        Assert.True(a < c);
    }

    [Fact]
    public void TryFormat_CharsAndUtf8_WriteCanonicalFormOrReportTooSmall()
    {
        var id = SpiffeId.Parse("spiffe://example.org/web");
        Span<char> chars = stackalloc char[id.Length];
        Span<byte> bytes = stackalloc byte[id.Length];

        Assert.True(id.TryFormat(chars, out var charsWritten));
        Assert.True(id.TryFormat(bytes, out var bytesWritten));
        Assert.Equal("spiffe://example.org/web", chars[..charsWritten].ToString());
        Assert.Equal("spiffe://example.org/web"u8.ToArray(), bytes[..bytesWritten].ToArray());
        Assert.False(id.TryFormat(chars[..^1], out charsWritten));
        Assert.Equal(0, charsWritten);
        Assert.False(id.TryFormat(bytes[..^1], out bytesWritten));
        Assert.Equal(0, bytesWritten);
        Assert.Equal("peer=spiffe://example.org/web td=example.org", $"peer={id} td={id.TrustDomain}");
    }

    [Fact]
    public void GenericParsing_ThroughStaticInterfaces_UsesStrictRules()
    {
        Assert.Equal(SpiffeId.Parse("spiffe://example.org/x"), ParseWith<SpiffeId>("spiffe://example.org/x"));
        Assert.Equal(TrustDomain.Parse("example.org"), ParseWith<TrustDomain>("spiffe://example.org/x"));
        Assert.False(TryParseWith<SpiffeId>("SPIFFE://example.org/x"));
        Assert.False(TryParseWith<TrustDomain>("Example.org"));
    }

    private static T ParseWith<T>(string value)
        where T : ISpanParsable<T>
        => T.Parse(value.AsSpan(), null);

    private static bool TryParseWith<T>(string value)
        where T : IParsable<T>
        => T.TryParse(value, null, out _);

    private static void AssertRejected(string input, SpiffeIdError error, int index)
    {
        Assert.False(SpiffeId.TryParse(input, SpiffeIdParseOptions.Strict, out var id, out var actualError, out var actualIndex));
        Assert.True(id.IsEmpty);
        Assert.Equal(error, actualError);
        Assert.Equal(index, actualIndex);
        Assert.Equal(error, SpiffeId.Validate(input));
        var exception = Assert.Throws<SpiffeIdFormatException>(() => SpiffeId.Parse(input));
        Assert.Equal(error, exception.Error);
        Assert.Equal(index, exception.Index);
    }

    private static string LongId(int length)
    {
        const string Head = "spiffe://example.org/";
        var body = new char[length - Head.Length];
        for (var i = 0; i < body.Length; i++)
        {
            body[i] = i % 100 == 99 && i != body.Length - 1 ? '/' : 's';
        }

        return Head + new string(body);
    }
}
