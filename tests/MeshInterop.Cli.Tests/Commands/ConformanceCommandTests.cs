using System.CommandLine;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using MeshInterop.Cli.Commands;

namespace MeshInterop.Cli.Tests.Commands;

public sealed class ConformanceCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("meshinterop-cli-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void List_PrintsEveryCaseWithLevelAndReference()
    {
        var output = Run(["conformance", "list"], out var exitCode);

        Assert.Equal(0, exitCode);
        Assert.Contains("  1 transport_client_without_cert_rejected", output, StringComparison.Ordinal);
        Assert.Contains(" 53 interop_reference_client_vs_sdk_server", output, StringComparison.Ordinal);
        Assert.Contains(" X5 ext_window_answers_in_order", output, StringComparison.Ordinal);
        Assert.Contains("needs: ConsumerControl, Window", output, StringComparison.Ordinal);
        Assert.Equal(58, output.Split('\n').Count(l => l.Length > 4 && l[4] != ' ' && char.IsAsciiLetterLower(l[4])));
    }

    [Fact]
    public void ListMarkdown_MatchesTheTableInTheDocs()
    {
        var table = Run(["conformance", "list", "--markdown"], out var exitCode).ReplaceLineEndings("\n");
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "conformance.md")).ReplaceLineEndings("\n");

        Assert.Equal(0, exitCode);
        Assert.Equal(60, table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.True(docs.Contains(table, StringComparison.Ordinal), "docs/conformance.md no longer shows the case catalogue; paste the output of 'meshinterop conformance list --markdown' into its 'The cases' section.");
    }

    [Fact]
    public void Run_UnknownCapability_ExitsTwoNamingIt()
    {
        var (cert, key) = WriteSvid();
        Run(["conformance", "run", "--target", "https://127.0.0.1:1", "--cert", cert, "--key", key, "--bundle", Bundle(), "--expected-id", "spiffe://owner.example/agent", "--capability", "teleport"], out var exitCode, out var error);

        Assert.Equal(2, exitCode);
        Assert.Contains("--capability 'teleport' is unknown", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_UnknownCase_ExitsTwo()
    {
        var (cert, key) = WriteSvid();
        Run(["conformance", "run", "--target", "https://127.0.0.1:1", "--cert", cert, "--key", key, "--bundle", Bundle(), "--expected-id", "spiffe://owner.example/agent", "--case", "no_such_case"], out var exitCode, out var error);

        Assert.Equal(2, exitCode);
        Assert.Contains("unknown case 'no_such_case'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_UnreachableOwner_ExitsOneAndWritesJUnit()
    {
        var (cert, key) = WriteSvid();
        var junit = Path.Combine(_directory, "conformance.xml");

        var output = Run(
            ["conformance", "run", "--target", "https://127.0.0.1:1", "--cert", cert, "--key", key, "--bundle", Bundle(), "--expected-id", "spiffe://owner.example/agent",
             "--case", "snapshot_invalid_resource_url_rejected", "--case", "update_create_fanout", "--delivery-bound", "2", "--format", "junit", "--output", junit],
            out var exitCode);

        Assert.Equal(1, exitCode);
        Assert.Contains("FAIL snapshot_invalid_resource_url_rejected", output, StringComparison.Ordinal);
        Assert.Contains("n/a  update_create_fanout", output, StringComparison.Ordinal);
        Assert.Contains("does NOT conform.", output, StringComparison.Ordinal);
        var cases = XDocument.Load(junit).Descendants("testcase").ToList();
        Assert.Equal(["snapshot_invalid_resource_url_rejected", "update_create_fanout"], cases.Select(c => (string?)c.Attribute("name")));
    }

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string caller = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(caller)!, "..", "..", ".."));

    private static string Run(string[] arguments, out int exitCode) => Run(arguments, out exitCode, out _);

    private static string Run(string[] arguments, out int exitCode, out string error)
    {
        var root = new RootCommand("test");
        root.Subcommands.Add(ConformanceCommand.Create());
        using var output = new StringWriter();
        using var errors = new StringWriter();
        exitCode = root.Parse(arguments).Invoke(new InvocationConfiguration { Output = output, Error = errors });
        error = errors.ToString();
        return output.ToString();
    }

    /// <summary>A self-signed CA standing in for the target's trust bundle.</summary>
    private string Bundle()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=owner.example root, O=SPIFFE", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var now = TimeProvider.System.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddHours(1));
        var path = Path.Combine(_directory, "bundle.pem");
        File.WriteAllText(path, certificate.ExportCertificatePem());
        return path;
    }

    /// <summary>A self-signed SPIFFE leaf: enough for the command to load TLS material; no handshake succeeds with it.</summary>
    private (string Certificate, string Key) WriteSvid()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("O=SPIFFE", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var san = new AsnWriter(AsnEncodingRules.DER);
        using (san.PushSequence())
        {
            san.WriteCharacterString(UniversalTagNumber.IA5String, "spiffe://consumer.example/agent", new Asn1Tag(TagClass.ContextSpecific, 6));
        }

        request.CertificateExtensions.Add(new X509Extension("2.5.29.17", san.Encode(), false));
        var now = TimeProvider.System.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddHours(1));
        var certPath = Path.Combine(_directory, "svid.pem");
        var keyPath = Path.Combine(_directory, "svid.key");
        File.WriteAllText(certPath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath);
    }
}
