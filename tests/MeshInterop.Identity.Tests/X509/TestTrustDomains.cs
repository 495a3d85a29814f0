using MeshInterop.Testing.Pki;

namespace MeshInterop.Identity.Tests.X509;

/// <summary>CAs shared by the X.509 tests; minting keys is the slow part, so each is made once per test run.</summary>
internal static class TestTrustDomains
{
    public static TestCertificateAuthority ExampleRoot { get; } = TestCertificateAuthority.CreateRoot("example.org");

    public static TestCertificateAuthority ExampleIntermediate { get; } = ExampleRoot.CreateIntermediate();

    public static TestCertificateAuthority PeerRoot { get; } = TestCertificateAuthority.CreateRoot("peer.test");

    /// <summary>A CA that claims to be example.org but is in no bundle.</summary>
    public static TestCertificateAuthority RogueExampleRoot { get; } = TestCertificateAuthority.CreateRoot("example.org");
}
