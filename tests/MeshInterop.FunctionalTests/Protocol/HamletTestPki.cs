using MeshInterop.Identity;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.X509;
using MeshInterop.Testing.Pki;

namespace MeshInterop.FunctionalTests.Protocol;

/// <summary>Three trust domains: the owner's, the consumer's, and a foreign one neither trusts.</summary>
internal static class HamletTestPki
{
    public static readonly TestCertificateAuthority Owner = TestCertificateAuthority.CreateRoot("owner.example");
    public static readonly TestCertificateAuthority Consumer = TestCertificateAuthority.CreateRoot("consumer.example");
    public static readonly TestCertificateAuthority Foreign = TestCertificateAuthority.CreateRoot("foreign.example");

    public static readonly SpiffeId OwnerAgent = SpiffeId.Parse("spiffe://owner.example/meshinterop/agent");
    public static readonly SpiffeId ConsumerAgent = SpiffeId.Parse("spiffe://consumer.example/meshinterop/agent");

    /// <summary>The bundles both sides hold: each trusts its own and its peer's trust domain, never the foreign one.</summary>
    public static IBundleSource Bundles() => new InMemoryBundleSource(BundleSet.Empty
        .With(new X509Bundle(TrustDomain.Parse("owner.example"), [Owner.Certificate]))
        .With(new X509Bundle(TrustDomain.Parse("consumer.example"), [Consumer.Certificate])));

    public static X509Svid Svid(TestCertificateAuthority authority, SpiffeId id) =>
        X509Svid.Create(authority.IssueSvid(id.Path.ToString()).Leaf);
}
