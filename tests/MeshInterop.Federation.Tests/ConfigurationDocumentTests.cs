using System.Runtime.CompilerServices;
using System.Text;
using MeshInterop.Federation.Internal;
using MeshInterop.Protocol;
using Microsoft.Extensions.Configuration;

namespace MeshInterop.Federation.Tests;

/// <summary>The complete sample in docs/configuration.md binds to the options and breaks no rule but missing files.</summary>
public sealed class ConfigurationDocumentTests
{
    [Fact]
    public void Sample_BoundFromTheDocument_OnlyTheFilesItNamesAreMissing()
    {
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(SampleJson()))).Build();
        var options = new MeshFederationOptions();
        configuration.GetSection(MeshFederationOptions.SectionName).Bind(options);

        var failures = new MeshFederationOptionsValidator(MeshFederationOptions.SectionName, null).Collect(options);

        Assert.Equal("consul", options.MeshName);
        Assert.Equal(HamletEnvelope.V1Alpha2, options.Envelope);
        Assert.Equal(16, options.Protocol.Window);
        Assert.Equal(["*"], options.Exports.Allow.Single().Names);
        var peer = Assert.Single(options.Peers);
        Assert.Equal(["httpbin", "payments"], peer.Exports!.Allow.Single().Names);
        Assert.Equal("https_spiffe", peer.BundleEndpoint.Profile);
        Assert.Equal("nsxsm", peer.ImportNaming!.Alias);
        Assert.Equal(TimeSpan.FromDays(1), peer.DisconnectedTtl);
        Assert.Equal(
            [
                "MeshInterop:Federation:Peers:0:TrustBundle:PemFile",
                "MeshInterop:Federation:Svid:CertificatePath",
                "MeshInterop:Federation:Svid:PrivateKeyPath",
                "MeshInterop:Federation:TrustBundle:PemFile",
            ],
            failures.Select(f => f[..f.IndexOf(": ", StringComparison.Ordinal)]).Order(StringComparer.Ordinal));
    }

    private static string SampleJson([CallerFilePath] string caller = "")
    {
        var document = File.ReadAllText(Path.Combine(Path.GetDirectoryName(caller)!, "..", "..", "docs", "configuration.md"));
        var start = document.IndexOf("```json\n", StringComparison.Ordinal) + "```json\n".Length;
        return document[start..document.IndexOf("```", start, StringComparison.Ordinal)];
    }
}
