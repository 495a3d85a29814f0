using MeshInterop.Cli.Commands;

namespace MeshInterop.Cli.Tests.Commands;

public sealed class CommandOutputTests
{
    [Theory]
    [InlineData(true, null, "xterm-256color", true)]
    [InlineData(true, "", "xterm", true)]
    [InlineData(true, "1", "xterm", false)]
    [InlineData(true, "0", "xterm", false)]
    [InlineData(true, null, "dumb", false)]
    [InlineData(false, null, "xterm", false)]
    public void ShouldUseColor_FollowsTheTerminalAndNoColor(bool isTerminal, string? noColor, string? term, bool expected) =>
        Assert.Equal(expected, CommandOutput.ShouldUseColor(isTerminal, noColor, term));
}
