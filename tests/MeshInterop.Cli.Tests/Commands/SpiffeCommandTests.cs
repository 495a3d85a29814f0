using System.Text;
using System.Text.Json;
using MeshInterop.Identity;
using MeshInterop.Identity.Bundles;
using MeshInterop.Identity.X509;

namespace MeshInterop.Cli.Tests.Commands;

public sealed class SpiffeCommandTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task CreateCaAndSvid_WriteMarkedPemFilesThatLoadAsAnSvid()
    {
        var ca = await RunAsync("spiffe", "create-ca", "--trust-domain", "consul.example", "--out", _directory.Path);
        var svid = await CreateSvidAsync("consul.example", "spiffe://consul.example/meshinterop/agent");

        Assert.Equal(0, ca.ExitCode);
        Assert.Equal(0, svid.ExitCode);
        Assert.Contains("DEVELOPMENT MATERIAL ONLY", ca.Output, StringComparison.Ordinal);
        Assert.Contains("Created development X.509-SVID spiffe://consul.example/meshinterop/agent", svid.Output, StringComparison.Ordinal);
        foreach (var file in new[] { "consul.example.dev-ca.pem", "consul.example.dev-ca.key.pem", "agent.dev-svid.pem", "agent.dev-svid.key.pem" })
        {
            Assert.StartsWith("# DEVELOPMENT MATERIAL ONLY", await File.ReadAllTextAsync(_directory.File(file), TestContext.Current.CancellationToken), StringComparison.Ordinal);
        }

        using var loaded = X509Svid.LoadPemFiles(_directory.File("agent.dev-svid.pem"), _directory.File("agent.dev-svid.key.pem"));
        Assert.Equal(SpiffeId.Parse("spiffe://consul.example/meshinterop/agent"), loaded.SpiffeId);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_directory.File("agent.dev-svid.key.pem")));
        }
    }

    [Fact]
    public async Task CreateCa_FilesExist_RefusesUnlessForced()
    {
        await RunAsync("spiffe", "create-ca", "-t", "consul.example", "-o", _directory.Path);
        var before = await File.ReadAllTextAsync(_directory.File("consul.example.dev-ca.pem"), TestContext.Current.CancellationToken);

        var refused = await RunAsync("spiffe", "create-ca", "-t", "consul.example", "-o", _directory.Path);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("exists already; pass --force", refused.Error, StringComparison.Ordinal);
        Assert.Equal(before, await File.ReadAllTextAsync(_directory.File("consul.example.dev-ca.pem"), TestContext.Current.CancellationToken));

        var forced = await RunAsync("spiffe", "create-ca", "-t", "consul.example", "-o", _directory.Path, "--force");
        Assert.Equal(0, forced.ExitCode);
        Assert.NotEqual(before, await File.ReadAllTextAsync(_directory.File("consul.example.dev-ca.pem"), TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("spiffe", "create-ca", "-t", "Consul.Example", "is not a trust domain name")]
    [InlineData("spiffe", "create-svid", "--ca", "missing.pem", "--id", "spiffe://a/b", "Cannot load the CA")]
    [InlineData("spiffe", "create-svid", "--ca", "missing.pem", "--id", "spiffe://a", "has no path")]
    [InlineData("spiffe", "create-svid", "--ca", "missing.pem", "--id", "https://a/b", "is not a SPIFFE ID")]
    [InlineData("spiffe", "inspect", "missing.pem", "Cannot read certificates")]
    public async Task BadInput_ExitsWithTwoAndSaysWhatIsWrong(params string[] argumentsAndMessage)
    {
        var result = await RunAsync(argumentsAndMessage[..^1]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(argumentsAndMessage[^1], result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_SvidOfTheBundlesTrustDomain_PrintsTheSpiffeId()
    {
        await CreateCaAsync("consul.example");
        await CreateSvidAsync("consul.example", "spiffe://consul.example/ns/web/sa/web");

        var result = await RunAsync("spiffe", "verify", _directory.File("web.dev-svid.pem"), "--bundle", _directory.File("consul.example.dev-ca.pem"));

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("valid spiffe://consul.example/ns/web/sa/web", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_AnotherTrustDomainsCa_RefusesWithTheFailedRule()
    {
        await CreateCaAsync("consul.example");
        await CreateCaAsync("nsxsm.example");
        await CreateSvidAsync("consul.example", "spiffe://consul.example/rogue");

        // The nsxsm CA, presented as consul.example's bundle: the chain leads to no authority of the SVID's trust domain.
        var result = await RunAsync("spiffe", "verify", _directory.File("rogue.dev-svid.pem"), "-b", _directory.File("nsxsm.example.dev-ca.pem"), "--json");

        Assert.Equal(1, result.ExitCode);
        using var json = JsonDocument.Parse(result.Output);
        Assert.False(json.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal(nameof(X509SvidFailure.UntrustedChain), json.RootElement.GetProperty("failure").GetString());
        Assert.Equal(0, json.RootElement.GetProperty("certificateIndex").GetInt32());
    }

    [Fact]
    public async Task Verify_AtALaterTime_RefusesAsExpired()
    {
        await CreateCaAsync("consul.example");
        await CreateSvidAsync("consul.example", "spiffe://consul.example/web");

        var result = await RunAsync("spiffe", "verify", _directory.File("web.dev-svid.pem"), "-b", _directory.File("consul.example.dev-ca.pem"), "--at", "2099-01-01T00:00:00Z");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("refused Expired: ", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_TheCaCertificateItself_RefusesItAsNoSvid()
    {
        await CreateCaAsync("consul.example");

        var result = await RunAsync("spiffe", "verify", _directory.File("consul.example.dev-ca.pem"), "-b", _directory.File("consul.example.dev-ca.pem"), "-t", "consul.example");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("refused NoUriSan: ", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bundle_PrintsSpiffeJsonThatVerifiesTheSvid()
    {
        await CreateCaAsync("consul.example");
        await CreateSvidAsync("consul.example", "spiffe://consul.example/web");

        var bundle = await RunAsync("spiffe", "bundle", "--ca", _directory.File("consul.example.dev-ca.pem"), "-t", "consul.example", "--sequence", "7", "--refresh-hint", "300");

        Assert.Equal(0, bundle.ExitCode);
        var parsed = SpiffeBundle.Parse(Encoding.UTF8.GetBytes(bundle.Output), TrustDomain.Parse("consul.example"));
        Assert.Equal(7UL, parsed.SequenceNumber);
        Assert.Equal(TimeSpan.FromMinutes(5), parsed.RefreshHint);
        Assert.Single(parsed.X509Bundle.Authorities);

        await File.WriteAllTextAsync(_directory.File("bundle.json"), bundle.Output, TestContext.Current.CancellationToken);
        var verified = await RunAsync("spiffe", "verify", _directory.File("web.dev-svid.pem"), "-b", _directory.File("bundle.json"));
        Assert.Equal(0, verified.ExitCode);
    }

    [Fact]
    public async Task Inspect_ShowsTheIdAndTheDevelopmentMarking()
    {
        await CreateCaAsync("consul.example");
        await CreateSvidAsync("consul.example", "spiffe://consul.example/web");

        var text = await RunAsync("spiffe", "inspect", _directory.File("web.dev-svid.pem"));
        var json = await RunAsync("spiffe", "inspect", _directory.File("web.dev-svid.pem"), "--json");

        Assert.Equal(0, text.ExitCode);
        Assert.Contains("spiffe://consul.example/web", text.Output, StringComparison.Ordinal);
        Assert.Contains("DigitalSignature (critical)", text.Output, StringComparison.Ordinal);
        Assert.Contains("DEVELOPMENT MATERIAL ONLY", text.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", text.Output, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.Output);
        Assert.Equal("spiffe://consul.example/web", document.RootElement.GetProperty("uriSans").GetString());
        Assert.Equal("no", document.RootElement.GetProperty("ca").GetString());
    }

    private Task<CommandResult> CreateCaAsync(string trustDomain) =>
        RunAsync("spiffe", "create-ca", "-t", trustDomain, "-o", _directory.Path);

    private Task<CommandResult> CreateSvidAsync(string trustDomain, string id) =>
        RunAsync("spiffe", "create-svid", "--ca", _directory.File(trustDomain + ".dev-ca.pem"), "--id", id, "-o", _directory.Path);

    private Task<CommandResult> RunAsync(params string[] arguments)
    {
        // Relative paths in the arguments resolve inside the test's directory.
        var resolved = arguments.Select(a => a.EndsWith(".pem", StringComparison.Ordinal) && !Path.IsPathRooted(a) ? _directory.File(a) : a).ToArray();
        return CommandRunner.RunAsync(resolved);
    }
}
