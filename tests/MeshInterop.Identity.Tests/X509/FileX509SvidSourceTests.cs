using MeshInterop.Identity.X509;
using MeshInterop.Testing.Pki;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace MeshInterop.Identity.Tests.X509;

public sealed class FileX509SvidSourceTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("meshinterop-svid-").FullName;

    private string CertPath => Path.Combine(_directory, "svid.pem");

    private string KeyPath => Path.Combine(_directory, "svid_key.pem");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void PollTick_RotatedFiles_SwapsSvidAndRaisesChanged()
    {
        Write(TestTrustDomains.ExampleRoot.IssueSvid("/v1"));
        var time = new FakeTimeProvider(TestCertificateAuthority.Now);
        using var source = new FileX509SvidSource(Options(), time);
        var changes = 0;
        source.Changed += (_, _) => changes++;
        var first = source.Current;

        Write(TestTrustDomains.ExampleRoot.IssueSvid("/v2"));
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(1, changes);
        Assert.Equal("spiffe://example.org/v2", source.Current.SpiffeId.ToString());
        Assert.NotSame(first, source.Current);
        Assert.True(first.Certificate.HasPrivateKey);          // the old SVID stays usable for live connections
    }

    [Fact]
    public void PollTick_UnchangedFiles_DoesNotRaiseChanged()
    {
        Write(TestTrustDomains.ExampleRoot.IssueSvid("/v1"));
        var time = new FakeTimeProvider(TestCertificateAuthority.Now);
        using var source = new FileX509SvidSource(Options(), time);
        var changes = 0;
        source.Changed += (_, _) => changes++;

        time.Advance(TimeSpan.FromSeconds(15));

        Assert.Equal(0, changes);
    }

    [Fact]
    public void TryReload_BrokenFiles_KeepsLastGoodSvidAndLogsWarning()
    {
        Write(TestTrustDomains.ExampleRoot.IssueSvid("/v1"));
        var logger = new FakeLogger<FileX509SvidSource>();
        using var source = new FileX509SvidSource(Options(), new FakeTimeProvider(TestCertificateAuthority.Now), logger);

        File.WriteAllText(CertPath, "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");

        Assert.False(source.TryReload());
        Assert.Equal("spiffe://example.org/v1", source.Current.SpiffeId.ToString());
        Assert.Equal(LogLevel.Warning, logger.LatestRecord.Level);
        Assert.Equal("SvidReloadFailed", logger.LatestRecord.Id.Name);
    }

    [Fact]
    public void Constructor_ExpiredSvid_LoadsAndWarns()
    {
        Write(TestTrustDomains.ExampleRoot.Issue(new TestLeafOptions
        {
            UriSans = ["spiffe://example.org/old"],
            NotBefore = TestCertificateAuthority.Now.AddDays(-3),
            NotAfter = TestCertificateAuthority.Now.AddDays(-2),
        }));
        var logger = new FakeLogger<FileX509SvidSource>();

        using var source = new FileX509SvidSource(Options(), new FakeTimeProvider(TestCertificateAuthority.Now), logger);

        Assert.Equal("SvidNotCurrentlyValid", logger.LatestRecord.Id.Name);
    }

    [Fact]
    public void Constructor_BothPemAndPkcs12_Throws()
    {
        var options = Options();
        options.Pkcs12Path = Path.Combine(_directory, "svid.p12");

        Assert.Equal("options", Assert.Throws<ArgumentException>(() => new FileX509SvidSource(options)).ParamName);
    }

    [Fact]
    public void Pkcs12File_Rotation_IsPickedUp()
    {
        var path = Path.Combine(_directory, "svid.p12");
        File.WriteAllBytes(path, TestTrustDomains.ExampleRoot.IssueSvid("/p1").ExportPkcs12());
        var time = new FakeTimeProvider(TestCertificateAuthority.Now);
        using var source = new FileX509SvidSource(new FileX509SvidSourceOptions { Pkcs12Path = path }, time);

        File.WriteAllBytes(path, TestTrustDomains.ExampleRoot.IssueSvid("/p2").ExportPkcs12());
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal("spiffe://example.org/p2", source.Current.SpiffeId.ToString());
    }

    private FileX509SvidSourceOptions Options() => new() { CertificatePath = CertPath, PrivateKeyPath = KeyPath };

    private void Write(TestSvid svid)
    {
        File.WriteAllText(CertPath, svid.ChainPem);
        File.WriteAllText(KeyPath, svid.PrivateKeyPem);
    }
}
