using System.CommandLine;
using MeshInterop.Cli.Commands;

namespace MeshInterop.Cli.Tests.Commands;

public sealed class ProtocolCommandTests
{
    [Fact]
    public void Protocol_PrintsBothMethodPathsTypeUrlsAndTheReservedShape()
    {
        var output = Run("protocol", out var exitCode);

        Assert.Equal(0, exitCode);
        Assert.Contains("rpc /federation.resourcediscovery.v1alpha1.DiscoveryService/EstablishStream", output, StringComparison.Ordinal);
        Assert.Contains("rpc /federation.resourcediscovery.v1alpha2.DiscoveryService/EstablishStream", output, StringComparison.Ordinal);
        Assert.Contains("[type.googleapis.com/federation.types.v1alpha1.FederatedService]", output, StringComparison.Ordinal);
        Assert.Contains("[type.googleapis.com/federation.types.v1alpha2.FederatedService]", output, StringComparison.Ordinal);
        Assert.Contains("enum Operation { UNKNOWN=0, UPSERT=1, DELETE=2 }", output, StringComparison.Ordinal);
        Assert.Contains("labels: map<string, string>", output, StringComparison.Ordinal);

        // v1alpha2's FederatedService jumps from field 5 to field 9: 6-8 are reserved.
        var v2 = output[output.IndexOf("message federation.types.v1alpha2.FederatedService", StringComparison.Ordinal)..];
        Assert.Contains(" 5 fqdn: string", v2, StringComparison.Ordinal);
        Assert.DoesNotContain(" 6 id:", v2, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownCommand_FailsWithANonZeroExitCode()
    {
        Run("no-such-command", out var exitCode);

        Assert.NotEqual(0, exitCode);
    }

    private static string Run(string arguments, out int exitCode)
    {
        var root = new RootCommand("test");
        root.Subcommands.Add(ProtocolCommand.Create());
        using var output = new StringWriter();
        using var error = new StringWriter();
        exitCode = root.Parse(arguments).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return output.ToString();
    }
}
