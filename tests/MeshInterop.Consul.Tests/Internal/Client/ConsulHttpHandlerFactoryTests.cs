using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MeshInterop.Consul.Internal.Client;
using MeshInterop.Consul.Tests.ConsulDouble;
using MeshInterop.Consul.Tests.TestSupport;

namespace MeshInterop.Consul.Tests.Internal.Client;

/// <summary>HTTPS to the double with a pinned CA: only a server certificate chaining to the pinned CA, for the right name, is accepted.</summary>
public sealed class ConsulHttpHandlerFactoryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("consul-tls-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static X509Certificate2 CreateCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(TimeProvider.System.GetUtcNow().AddMinutes(-5), TimeProvider.System.GetUtcNow().AddDays(1));
    }

    private static X509Certificate2 CreateServer(X509Certificate2 ca, string dnsName, IPAddress? ip)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=server.dc1.consul", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        if (ip is not null)
        {
            san.AddIpAddress(ip);
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(ca, TimeProvider.System.GetUtcNow().AddMinutes(-5), TimeProvider.System.GetUtcNow().AddHours(12), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    private string WritePem(string name, X509Certificate2 certificate)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return path;
    }

    private static async Task<ConsulException?> CallAsync(X509Certificate2 serverCertificate, string? pinnedCaFile)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await FakeConsulServer.StartAsync(null, ct, serverCertificate);
        Assert.Equal("https", server.Address.Scheme);
        using var test = ConsulTestClient.Create(server.Address, configure: o => o.CaCertificateFile = pinnedCaFile);
        try
        {
            await test.Client.GetAgentSelfAsync(ct);
            return null;
        }
        catch (ConsulUnavailableException ex)
        {
            return ex;
        }
    }

    [Fact]
    public async Task PinnedCa_ServerSignedByIt_IsAccepted()
    {
        using var ca = CreateCa("Consul Agent CA");
        using var server = CreateServer(ca, "server.dc1.consul", IPAddress.Loopback);

        Assert.Null(await CallAsync(server, WritePem("ca.pem", ca)));
    }

    [Fact]
    public async Task PinnedCa_ServerSignedByAnotherCa_IsRejected()
    {
        using var pinned = CreateCa("Pinned CA");
        using var other = CreateCa("Other CA");
        using var server = CreateServer(other, "server.dc1.consul", IPAddress.Loopback);

        var error = await CallAsync(server, WritePem("ca.pem", pinned));

        Assert.NotNull(error);
        Assert.IsType<AuthenticationException>(error.InnerException?.InnerException);
    }

    [Fact]
    public async Task PinnedCa_RightCaWrongName_IsRejected()
    {
        using var ca = CreateCa("Consul Agent CA");
        using var server = CreateServer(ca, "elsewhere.example.net", ip: null);

        Assert.NotNull(await CallAsync(server, WritePem("ca.pem", ca)));
    }

    [Fact]
    public async Task NoPinnedCa_PrivateCa_IsNotTrustedBySystemStore()
    {
        using var ca = CreateCa("Consul Agent CA");
        using var server = CreateServer(ca, "server.dc1.consul", IPAddress.Loopback);

        Assert.NotNull(await CallAsync(server, pinnedCaFile: null));
    }

    [Fact]
    public void Create_CaFileWithoutCertificates_FailsNamingTheFile()
    {
        var path = Path.Combine(_directory, "empty.pem");
        File.WriteAllText(path, "not a certificate");
        var options = new ConsulClientOptions { Address = new Uri("https://127.0.0.1:8501"), CaCertificateFile = path };

        var error = Assert.Throws<InvalidOperationException>(() => ConsulHttpHandlerFactory.Create(options));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }
}
