using MeshInterop.Consul.Internal;

namespace MeshInterop.Consul.Tests;

public sealed class ConsulClientOptionsTests
{
    private static IReadOnlyList<string> Errors(ConsulClientOptions options) =>
        [.. new ConsulClientOptionsValidator().Validate(null, options).Failures ?? [], .. new ConsulClientOptionsRulesValidator().Validate(null, options).Failures ?? []];

    [Fact]
    public void Defaults_AreValidAndMatchTheReference()
    {
        var options = new ConsulClientOptions();

        Assert.Empty(Errors(options));
        Assert.Equal(new Uri("http://127.0.0.1:8500"), options.Address);
        Assert.Equal(TimeSpan.FromMinutes(5), options.BlockingWait);
        Assert.Equal(TimeSpan.FromSeconds(10), options.RequestTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), options.BlockingDeadlineMargin);
        Assert.Equal(TimeSpan.FromSeconds(10), options.StaleWarningThreshold);
    }

    [Fact]
    public void Validate_EveryProblem_IsReportedWithItsConfigurationPath()
    {
        var options = new ConsulClientOptions
        {
            Address = new Uri("http://consul.example.net:8500"),
            Token = "a",
            TokenFile = "/nonexistent/token",
            CaCertificateFile = "/nonexistent/ca.pem",
            ClientCertificateFile = "/nonexistent/client.pem",
            Namespace = "bad namespace!",
            BlockingWait = TimeSpan.FromMinutes(11),
            MaxResponseBytes = 10,
        };

        var errors = Errors(options);

        Assert.Contains(errors, e => e.Contains("MeshInterop:Consul:Address", StringComparison.Ordinal) && e.Contains("clear text", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Set at most one of Token and TokenFile", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("MeshInterop:Consul:CaCertificateFile", StringComparison.Ordinal) && e.Contains("not https", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("ClientCertificateFile and ClientKeyFile must be set together", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("MeshInterop:Consul:Namespace", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("BlockingWait", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("MaxResponseBytes", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("/nonexistent/token", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8500", false, true)]
    [InlineData("http://[::1]:8500", false, true)]
    [InlineData("http://localhost:8500", false, true)]
    [InlineData("http://10.0.0.5:8500", false, false)]
    [InlineData("http://10.0.0.5:8500", true, true)]
    [InlineData("https://consul.example.net:8501", false, true)]
    [InlineData("ftp://consul.example.net", false, false)]
    [InlineData("https://consul.example.net:8501/?token=x", false, false)]
    public void Validate_Address_PlaintextOnlyForLoopbackOrOptIn(string address, bool allowPlaintext, bool valid)
    {
        var errors = Errors(new ConsulClientOptions { Address = new Uri(address), AllowPlaintextHttp = allowPlaintext });
        Assert.Equal(valid, errors.Count == 0);
    }

    [Fact]
    public void Validate_NamedInstance_UsesNamedSectionPath()
    {
        var result = new ConsulClientOptionsRulesValidator().Validate("dc1", new ConsulClientOptions { Namespace = string.Empty });
        Assert.Contains("MeshInterop:Consul:dc1:Namespace", Assert.Single(result.Failures!), StringComparison.Ordinal);
    }
}
