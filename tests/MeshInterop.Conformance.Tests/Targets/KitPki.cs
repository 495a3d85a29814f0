using MeshInterop.Identity;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.X509;
using MeshInterop.Testing.Pki;

namespace MeshInterop.Conformance.Tests.Targets;

/// <summary>Two federated trust domains, an owner's and a consumer's; whichever side the kit plays, it holds that side's SVID.</summary>
internal static class KitPki
{
    public static readonly TestCertificateAuthority Owner = TestCertificateAuthority.CreateRoot("owner.example");
    public static readonly TestCertificateAuthority Consumer = TestCertificateAuthority.CreateRoot("consumer.example");

    public static readonly SpiffeId OwnerAgent = SpiffeId.Parse("spiffe://owner.example/meshinterop/agent");
    public static readonly SpiffeId ConsumerAgent = SpiffeId.Parse("spiffe://consumer.example/meshinterop/agent");

    public static X509Bundle OwnerBundle => new(TrustDomain.Parse("owner.example"), [Owner.Certificate]);

    public static X509Bundle ConsumerBundle => new(TrustDomain.Parse("consumer.example"), [Consumer.Certificate]);

    public static BundleSet Both => BundleSet.Empty.With(OwnerBundle).With(ConsumerBundle);

    public static X509Svid Svid(TestCertificateAuthority authority, SpiffeId id) =>
        X509Svid.Create(authority.IssueSvid(id.Path.ToString()).Leaf);

    /// <summary>An SVID signed by <paramref name="authority"/> (trusted by the peer) that names another trust domain.</summary>
    public static X509Svid Foreign(TestCertificateAuthority authority) =>
        X509Svid.Create(authority.Issue(new TestLeafOptions { UriSans = ["spiffe://foreign.example/meshinterop/agent"] }).Leaf);
}
