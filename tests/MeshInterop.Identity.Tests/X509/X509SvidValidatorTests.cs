using System.Security.Cryptography.X509Certificates;
using System.Text;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.X509;
using MeshInterop.Testing.Pki;
using Microsoft.Extensions.Time.Testing;

namespace MeshInterop.Identity.Tests.X509;

public sealed class X509SvidValidatorTests
{
    private static readonly TrustDomain Example = TrustDomain.Parse("example.org");
    private static readonly TrustDomain Peer = TrustDomain.Parse("peer.test");

    private readonly FakeTimeProvider _time = new(TestCertificateAuthority.Now);
    private readonly InMemoryBundleSource _bundles = new(BundleSet.Empty
        .With(new X509Bundle(Example, [TestTrustDomains.ExampleRoot.Certificate]))
        .With(new X509Bundle(Peer, [TestTrustDomains.PeerRoot.Certificate])));

    [Fact]
    public void Validate_ConformantSvidThroughIntermediate_ReturnsIdAndChain()
    {
        var svid = TestTrustDomains.ExampleIntermediate.IssueSvid("/ns/prod/sa/web");

        var result = Validator().Validate(svid.Leaf, svid.IntermediateCollection, TlsRole.Client);

        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(SpiffeId.Parse("spiffe://example.org/ns/prod/sa/web"), result.SpiffeId);
        Assert.Equal(X509SvidFailure.None, result.Failure);
        Assert.Equal(3, result.Chain.Count);
        Assert.Equal(svid.Leaf.RawData, result.Chain[0].RawData);
        Assert.Equal(TestTrustDomains.ExampleRoot.Certificate.RawData, result.Chain[^1].RawData);
        Assert.Equal(new DateTimeOffset(svid.Leaf.NotAfter), result.ValidUntil);
    }

    [Theory]
    [InlineData(TestKeyType.EcdsaP384)]
    [InlineData(TestKeyType.Rsa2048)]
    public void Validate_OtherSupportedKeyTypes_AreAccepted(TestKeyType key)
    {
        var svid = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org/k"], Key = key });

        Assert.True(Validator().Validate(svid.Leaf).IsValid);
    }

    [Fact]
    public void KeyAlgorithm_CurveOutsideP256P384P521_FailsUnsupportedKeyAlgorithm()
    {
        var svid = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org/k"], Key = TestKeyType.EcdsaSecp256k1 });

        AssertFailure(X509SvidFailure.UnsupportedKeyAlgorithm, Validator().Validate(svid.Leaf), index: 0);
    }

    [Fact]
    public void X1_NoUriSan_FailsNoUriSan()
    {
        var svid = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { DnsNames = ["web.example.org"] });

        AssertFailure(X509SvidFailure.NoUriSan, Validator().Validate(svid.Leaf), index: 0);
    }

    [Fact]
    public void X1_SpiffeUriPlusHttpsUri_FailsMultipleUriSans()
    {
        var svid = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org/web", "https://example.org/web"] });

        AssertFailure(X509SvidFailure.MultipleUriSans, Validator().Validate(svid.Leaf), index: 0);
    }

    [Fact]
    public void X1_DuplicateSanExtension_FailsMalformedCertificate()
    {
        var svid = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org/web"], DuplicateSubjectAlternativeName = true });

        AssertFailure(X509SvidFailure.MalformedCertificate, Validator().Validate(svid.Leaf), index: 0);
    }

    [Fact]
    public void X1_DnsAndIpSansBesideOneUri_AreAllowed()
    {
        var svid = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org/web"], DnsNames = ["web", "web.example.org"] });

        Assert.True(Validator().Validate(svid.Leaf).IsValid);
    }

    // Each of these is what System.Uri would quietly normalise into something valid-looking (reference 5.1 #1).
    [Theory]
    [InlineData("spiffe://example.org/%61dmin", SpiffeIdError.BadPathSegmentChar)]
    [InlineData("spiffe://Example.org/web", SpiffeIdError.BadTrustDomainChar)]
    [InlineData("SPIFFE://example.org/web", SpiffeIdError.WrongScheme)]
    [InlineData("spiffe://example.org/a/../admin", SpiffeIdError.DotSegment)]
    [InlineData("spiffe://example.org/web/", SpiffeIdError.TrailingSlash)]
    [InlineData("spiffe://example.org//web", SpiffeIdError.EmptySegment)]
    [InlineData("https://example.org/web", SpiffeIdError.WrongScheme)]
    [InlineData("spiffe://example.org:443/web", SpiffeIdError.BadTrustDomainChar)]
    [InlineData("spiffe://example.org/web?x=1", SpiffeIdError.BadPathSegmentChar)]
    public void X2_UriSanNotAStrictSpiffeId_FailsInvalidSpiffeId(string uri, SpiffeIdError expected)
    {
        var svid = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { UriSans = [uri] });

        var result = Validator().Validate(svid.Leaf);

        AssertFailure(X509SvidFailure.InvalidSpiffeId, result, index: 0);
        Assert.Equal(expected, result.IdError);
    }

    [Fact]
    public void X2_NonAsciiUriSanBytes_FailsInvalidSpiffeId()
    {
        var svid = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { RawUriSans = [Encoding.UTF8.GetBytes("spiffe://\u212Aexample.org/web")] });

        var result = Validator().Validate(svid.Leaf);

        AssertFailure(X509SvidFailure.InvalidSpiffeId, result, index: 0);
        Assert.Equal(SpiffeIdError.BadTrustDomainChar, result.IdError);
    }

    [Fact]
    public void X3_RootPathLeafId_FailsRootPathId()
    {
        var svid = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org"] });

        var result = Validator().Validate(svid.Leaf);

        AssertFailure(X509SvidFailure.RootPathId, result, index: 0);
        Assert.Equal("spiffe://example.org", result.SpiffeId.ToString());
    }

    [Fact]
    public void X4_LeafWithCaTrue_FailsLeafIsCa()
    {
        var svid = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org/web"], CertificateAuthority = true });

        AssertFailure(X509SvidFailure.LeafIsCa, Validator().Validate(svid.Leaf), index: 0);
    }

    [Fact]
    public void X4_MissingBasicConstraints_IsAcceptedByDefault()
    {
        var svid = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org/web"], CertificateAuthority = null });

        Assert.True(Validator().Validate(svid.Leaf).IsValid);
    }

    [Fact]
    public void X4_MissingBasicConstraints_WithRequireBasicConstraints_Fails()
    {
        var svid = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org/web"], CertificateAuthority = null });

        AssertFailure(X509SvidFailure.MissingBasicConstraints, Validator(new() { RequireBasicConstraints = true }).Validate(svid.Leaf), index: 0);
    }

    [Theory]
    [InlineData(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, X509SvidFailure.LeafHasKeyCertSign)]
    [InlineData(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.CrlSign, X509SvidFailure.LeafHasCrlSign)]
    [InlineData(X509KeyUsageFlags.KeyEncipherment, X509SvidFailure.MissingDigitalSignature)]
    public void X5_ForbiddenOrMissingKeyUsageBits_Fail(X509KeyUsageFlags usage, X509SvidFailure expected)
    {
        var svid = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org/web"], KeyUsage = usage });

        AssertFailure(expected, Validator().Validate(svid.Leaf), index: 0);
    }

    [Fact]
    public void X5_MissingKeyUsageExtension_FailsMissingKeyUsage()
    {
        var svid = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org/web"], KeyUsage = null });

        AssertFailure(X509SvidFailure.MissingKeyUsage, Validator().Validate(svid.Leaf), index: 0);
    }

    [Fact]
    public void X5_DigitalSignaturePlusKeyAgreementAndEncipherment_AreAllowed()
    {
        var svid = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions
        {
            UriSans = ["spiffe://example.org/web"],
            KeyUsage = X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.KeyAgreement,
        });

        Assert.True(Validator().Validate(svid.Leaf).IsValid);
    }

    [Fact]
    public void X5_NonCriticalKeyUsage_PassesByDefaultAndFailsWhenRequired()
    {
        var svid = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org/web"], KeyUsageCritical = false });

        Assert.True(Validator().Validate(svid.Leaf).IsValid);
        AssertFailure(X509SvidFailure.KeyUsageNotCritical, Validator(new() { RequireCriticalKeyUsage = true }).Validate(svid.Leaf), index: 0);
    }

    [Fact]
    public void X6_EmptySubjectWithNonCriticalSan_FailsOnlyUnderStrictIssuerProfile()
    {
        var svid = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org/web"], Subject = "" });

        Assert.True(Validator().Validate(svid.Leaf).IsValid);
        AssertFailure(X509SvidFailure.InvalidIssuerProfile, Validator(new() { StrictIssuerProfile = true }).Validate(svid.Leaf), index: 0);
    }

    [Fact]
    public void X7_ClientOnlyEku_PresentedAsServer_FailsEkuNotPermitted()
    {
        var svid = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org/web"], ExtendedKeyUsages = [TestOids.ClientAuth] });
        var validator = Validator();

        Assert.True(validator.Validate(svid.Leaf, null, TlsRole.Client).IsValid);
        AssertFailure(X509SvidFailure.EkuNotPermitted, validator.Validate(svid.Leaf, null, TlsRole.Server), index: 0);   // also on a cache hit
        Assert.True(validator.Validate(svid.Leaf, null, TlsRole.Unspecified).IsValid);
    }

    [Fact]
    public void X7_EkuPolicies_ApplyAsDocumented()
    {
        var noEku = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org/a"], ExtendedKeyUsages = null });
        var codeSigning = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org/b"], ExtendedKeyUsages = [TestOids.CodeSigning] });
        var serverOnly = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org/c"], ExtendedKeyUsages = [TestOids.ServerAuth] });

        Assert.True(Validator().Validate(noEku.Leaf, null, TlsRole.Server).IsValid);
        Assert.True(Validator(new() { EkuPolicy = EkuPolicy.Ignore }).Validate(codeSigning.Leaf, null, TlsRole.Server).IsValid);
        Assert.True(Validator().Validate(serverOnly.Leaf, null, TlsRole.Server).IsValid);
        AssertFailure(X509SvidFailure.EkuNotPermitted, Validator(new() { EkuPolicy = EkuPolicy.RequireBothWhenPresent }).Validate(serverOnly.Leaf, null, TlsRole.Server), index: 0);
    }

    [Fact]
    public void X8_CaCertificateUsedAsLeaf_FailsLeafIsCa()
    {
        // A signing certificate that (wrongly) carries a workload ID: still never a peer identity.
        var ca = TestTrustDomains.ExampleRoot.CreateIntermediate(new TestCaOptions { UriSans = ["spiffe://example.org/ca-as-leaf"] });

        AssertFailure(X509SvidFailure.LeafIsCa, Validator().Validate(ca.Certificate), index: 0);
    }

    [Fact]
    public void X8_IntermediateCertificateWithTrustDomainIdAsLeaf_FailsRootPathId()
    {
        AssertFailure(X509SvidFailure.RootPathId, Validator().Validate(TestTrustDomains.ExampleIntermediate.Certificate), index: 0);
    }

    [Fact]
    public void SigningCertificate_PresentedIntermediateNotCa_FailsIntermediateNotCa()
    {
        var svid = TestTrustDomains.ExampleIntermediate.IssueSvid("/web");
        var notCa = TestTrustDomains.ExampleRoot.IssueSvid("/other").Leaf;

        AssertFailure(X509SvidFailure.IntermediateNotCa, Validator().Validate(svid.Leaf, [notCa, .. svid.Intermediates]), index: 1);
    }

    [Fact]
    public void SigningCertificate_IntermediateWithoutKeyCertSign_FailsIntermediateMissingKeyCertSign()
    {
        var weak = TestTrustDomains.ExampleRoot.CreateIntermediate(new TestCaOptions { KeyUsage = X509KeyUsageFlags.DigitalSignature });
        var svid = weak.IssueSvid("/web");

        AssertFailure(X509SvidFailure.IntermediateMissingKeyCertSign, Validator().Validate(svid.Leaf, svid.IntermediateCollection), index: 1);
    }

    [Fact]
    public void SigningCertificate_IntermediateWithPathId_FailsOnlyUnderStrictIssuerProfile()
    {
        var odd = TestTrustDomains.ExampleRoot.CreateIntermediate(new TestCaOptions { UriSans = ["spiffe://example.org/issuer"] });
        var svid = odd.IssueSvid("/web");

        Assert.True(Validator().Validate(svid.Leaf, svid.IntermediateCollection).IsValid);
        AssertFailure(X509SvidFailure.InvalidIssuerProfile, Validator(new() { StrictIssuerProfile = true }).Validate(svid.Leaf, svid.IntermediateCollection), index: 1);
    }

    [Fact]
    public void ChainLimits_SixteenIntermediates_FailChainTooLong()
    {
        var svid = TestTrustDomains.ExampleIntermediate.IssueSvid("/web");
        var filler = Enumerable.Range(0, 16).Select(_ => TestTrustDomains.ExampleRoot.CreateIntermediate().Certificate).ToArray();

        AssertFailure(X509SvidFailure.ChainTooLong, Validator().Validate(svid.Leaf, [.. svid.Intermediates, .. filler]), index: 16);
    }

    [Fact]
    public void ChainLimits_ByteIdenticalDuplicatesAndLeafCopies_AreDropped()
    {
        var svid = TestTrustDomains.ExampleIntermediate.IssueSvid("/web");
        var copies = Enumerable.Repeat(TestTrustDomains.ExampleIntermediate.Certificate, 20).Append(svid.Leaf).ToArray();

        Assert.True(Validator().Validate(svid.Leaf, [.. copies]).IsValid);
    }

    [Fact]
    public void TrustDomainPolicy_TrustDomainNotListed_FailsTrustDomainNotAllowed()
    {
        var svid = TestTrustDomains.PeerRoot.IssueSvid("/api");

        var result = Validator(new() { AllowedTrustDomains = [Example] }).Validate(svid.Leaf);

        AssertFailure(X509SvidFailure.TrustDomainNotAllowed, result);
        Assert.Equal("spiffe://peer.test/api", result.SpiffeId.ToString());
    }

    [Fact]
    public void Bundle_NoBundleForLeafTrustDomain_FailsBundleNotFound()
    {
        var stranger = TestCertificateAuthority.CreateRoot("stranger.test");

        AssertFailure(X509SvidFailure.BundleNotFound, Validator().Validate(stranger.IssueSvid("/x").Leaf));
    }

    [Fact]
    public void Bundle_EmptyBundle_FailsNoAuthorities()
    {
        _bundles.Set(new X509Bundle(Peer, []));

        AssertFailure(X509SvidFailure.NoAuthorities, Validator().Validate(TestTrustDomains.PeerRoot.IssueSvid("/api").Leaf));
    }

    [Fact]
    public void Chain_ForeignCaClaimingTheTrustDomain_FailsUntrustedChain()
    {
        var svid = TestTrustDomains.RogueExampleRoot.IssueSvid("/web");

        AssertFailure(X509SvidFailure.UntrustedChain, Validator().Validate(svid.Leaf));
    }

    [Fact]
    public void Chain_FederatedCaMintingAnotherTrustDomainsId_FailsUntrustedChain()
    {
        // peer.test's CA is trusted for peer.test only; an example.org ID it signs must not validate.
        var forged = TestTrustDomains.PeerRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org/admin"] });

        AssertFailure(X509SvidFailure.UntrustedChain, Validator().Validate(forged.Leaf));
    }

    [Fact]
    public void Anchor_PooledPlatformChainEndingInOtherTrustDomain_FailsAnchorNotInTrustDomain()
    {
        var forged = TestTrustDomains.PeerRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org/admin"] });
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(TestTrustDomains.ExampleRoot.Certificate);
        chain.ChainPolicy.CustomTrustStore.Add(TestTrustDomains.PeerRoot.Certificate);
        chain.ChainPolicy.DisableCertificateDownloads = true;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = TestCertificateAuthority.Now.UtcDateTime;
        Assert.True(chain.Build(forged.Leaf));   // a pooled store is fooled

        var result = Validator().ValidatePlatformChain(forged.Leaf, chain, _bundles.Current, TlsRole.Client);

        AssertFailure(X509SvidFailure.AnchorNotInTrustDomain, result);
    }

    [Fact]
    public void Validity_LeafExpiredAtInjectedTime_FailsExpired()
    {
        var svid = TestTrustDomains.ExampleRoot.IssueSvid("/web");
        _time.Advance(TimeSpan.FromDays(2));

        AssertFailure(X509SvidFailure.Expired, Validator().Validate(svid.Leaf));
    }

    [Fact]
    public void Validity_LeafNotYetValidAtInjectedTime_FailsNotYetValid()
    {
        var svid = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions
        {
            UriSans = ["spiffe://example.org/web"],
            NotBefore = TestCertificateAuthority.Now.AddHours(1),
            NotAfter = TestCertificateAuthority.Now.AddDays(1),
        });

        var result = Validator().Validate(svid.Leaf);

        AssertFailure(X509SvidFailure.NotYetValid, result);
        Assert.Equal(0, result.CertificateIndex);
    }

    [Fact]
    public void Validity_ExpiredIntermediate_FailsExpiredAtItsIndex()
    {
        var old = TestTrustDomains.ExampleRoot.CreateIntermediate(new TestCaOptions { NotBefore = TestCertificateAuthority.Now.AddDays(-10), NotAfter = TestCertificateAuthority.Now.AddHours(-1) });
        var svid = old.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org/web"], NotBefore = TestCertificateAuthority.Now.AddDays(-2) });

        var result = Validator().Validate(svid.Leaf, svid.IntermediateCollection);

        AssertFailure(X509SvidFailure.Expired, result);
        Assert.Equal(1, result.CertificateIndex);
    }

    [Fact]
    public void Chain_UnknownCriticalExtension_FailsUnsupportedCriticalExtension()
    {
        var svid = TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions { UriSans = ["spiffe://example.org/web"], UnknownCriticalExtensionOid = "1.3.6.1.4.1.55555.1" });

        AssertFailure(X509SvidFailure.UnsupportedCriticalExtension, Validator().Validate(svid.Leaf));
    }

    [Fact]
    public void Chain_UriNameConstraintViolated_FailsNameConstraintViolation()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "URI name constraints are enforced by OpenSSL; other platforms are checked in their own CI legs.");
        var root = TestCertificateAuthority.CreateRoot("constrained.test");
        var intermediate = root.CreateIntermediate(new TestCaOptions { PermittedUriDomains = ["other.test"] });
        var svid = intermediate.IssueSvid("/web");
        _bundles.Set(new X509Bundle(TrustDomain.Parse("constrained.test"), [root.Certificate]));

        AssertFailure(X509SvidFailure.NameConstraintViolation, Validator().Validate(svid.Leaf, svid.IntermediateCollection));
    }

    [Fact]
    public void Rotation_TwoSameSubjectRoots_LeavesWithAndWithoutAkiFromBothValidate()
    {
        const string subject = "CN=rotating.test CA, O=SPIFFE";
        var oldRoot = TestCertificateAuthority.CreateRoot("rotating.test", new TestCaOptions { Subject = subject });
        var newRoot = TestCertificateAuthority.CreateRoot("rotating.test", new TestCaOptions { Subject = subject });
        var trustDomain = TrustDomain.Parse("rotating.test");
        var validator = Validator();

        foreach (var order in new[] { new[] { oldRoot, newRoot }, [newRoot, oldRoot] })
        {
            _bundles.Set(new X509Bundle(trustDomain, order.Select(r => r.Certificate)));
            foreach (var root in order)
            {
                foreach (var aki in new[] { true, false })
                {
                    var svid = root.Issue(new TestLeafOptions { UriSans = ["spiffe://rotating.test/w"], IncludeAuthorityKeyIdentifier = aki });
                    var result = validator.Validate(svid.Leaf);
                    Assert.True(result.IsValid, $"AKI={aki}: {result.Reason}");
                    Assert.Equal(root.Certificate.RawData, result.Chain[^1].RawData);
                }
            }
        }
    }

    [Fact]
    public void Rotation_SameSubjectForeignRoot_StillFailsUntrustedOrSignature()
    {
        const string subject = "CN=lookalike.test CA, O=SPIFFE";
        var trusted = TestCertificateAuthority.CreateRoot("lookalike.test", new TestCaOptions { Subject = subject });
        var rogue = TestCertificateAuthority.CreateRoot("lookalike.test", new TestCaOptions { Subject = subject });
        _bundles.Set(new X509Bundle(TrustDomain.Parse("lookalike.test"), [trusted.Certificate]));

        var result = Validator().Validate(rogue.Issue(new TestLeafOptions { UriSans = ["spiffe://lookalike.test/w"], IncludeAuthorityKeyIdentifier = false }).Leaf);

        Assert.Contains(result.Failure, new[] { X509SvidFailure.SignatureInvalid, X509SvidFailure.UntrustedChain });
    }

    [Fact]
    public void Cache_SecondValidation_ReturnsCachedResult()
    {
        var svid = TestTrustDomains.ExampleIntermediate.IssueSvid("/web");
        var validator = Validator();

        var first = validator.Validate(svid.Leaf, svid.IntermediateCollection);
        var second = validator.Validate(svid.Leaf, svid.IntermediateCollection);

        Assert.Same(first, second);
        Assert.Equal(1, validator.CachedCount);
    }

    [Fact]
    public void Cache_DifferentPresentedIntermediates_AreDifferentEntries()
    {
        var svid = TestTrustDomains.ExampleIntermediate.IssueSvid("/web");
        var validator = Validator();

        Assert.True(validator.Validate(svid.Leaf, svid.IntermediateCollection).IsValid);
        AssertFailure(X509SvidFailure.UntrustedChain, validator.Validate(svid.Leaf));   // not served from the cache
    }

    [Fact]
    public void Cache_BundleChange_InvalidatesEntries()
    {
        var svid = TestTrustDomains.ExampleRoot.IssueSvid("/web");
        var validator = Validator();
        Assert.True(validator.Validate(svid.Leaf).IsValid);

        _bundles.Set(new X509Bundle(Example, [TestTrustDomains.RogueExampleRoot.Certificate]));   // the CA was rotated out

        AssertFailure(X509SvidFailure.UntrustedChain, validator.Validate(svid.Leaf));
    }

    [Fact]
    public void Cache_EntryPastLeafNotAfter_IsNotServed()
    {
        var svid = TestTrustDomains.ExampleRoot.IssueSvid("/web");
        var validator = Validator();
        Assert.True(validator.Validate(svid.Leaf).IsValid);

        _time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));

        AssertFailure(X509SvidFailure.Expired, validator.Validate(svid.Leaf));
    }

    [Fact]
    public void Cache_IsBoundedAndNeverHoldsFailures()
    {
        var validator = Validator(new() { CacheSize = 2 });
        foreach (var path in new[] { "/a", "/b", "/c" })
            Assert.True(validator.Validate(TestTrustDomains.ExampleRoot.IssueSvid(path).Leaf).IsValid);
        Assert.Equal(2, validator.CachedCount);

        validator.ClearCache();
        validator.Validate(TestTrustDomains.RogueExampleRoot.IssueSvid("/x").Leaf);
        Assert.Equal(0, validator.CachedCount);
    }

    [Fact]
    public void Constructor_NullBundles_ThrowsWithParamName()
    {
        Assert.Equal("bundles", Assert.Throws<ArgumentNullException>(() => new X509SvidValidator(null!)).ParamName);
    }

    [Fact]
    public void Constructor_EmptyAllowedTrustDomain_Throws()
    {
        Assert.Throws<ArgumentException>(() => new X509SvidValidator(_bundles, new X509SvidValidatorOptions { AllowedTrustDomains = [default] }));
    }

    private X509SvidValidator Validator(X509SvidValidatorOptions? options = null) => new(_bundles, options, _time);

    private static void AssertFailure(X509SvidFailure expected, X509SvidValidationResult result, int? index = null)
    {
        Assert.False(result.IsValid);
        Assert.True(expected == result.Failure, $"expected {expected}, got {result.Failure}: {result.Reason}");
        Assert.False(string.IsNullOrEmpty(result.Reason));
        Assert.Empty(result.Chain);
        if (index is int i)
            Assert.Equal(i, result.CertificateIndex);
    }
}
