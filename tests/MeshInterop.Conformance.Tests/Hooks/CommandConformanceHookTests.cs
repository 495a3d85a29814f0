using MeshInterop.Conformance.Hooks;

namespace MeshInterop.Conformance.Tests.Hooks;

public sealed class CommandConformanceHookTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("meshinterop-hook-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("./hook.sh {op} {name} {json}", new[] { "./hook.sh", "{op}", "{name}", "{json}" })]
    [InlineData("  sh  -c 'echo a b'  \"{json}\" ", new[] { "sh", "-c", "echo a b", "{json}" })]
    [InlineData("hook --name=\"x y\"z", new[] { "hook", "--name=x yz" })]
    public void Split_Template_GroupsQuotedWords(string template, string[] expected) =>
        Assert.Equal(expected, CommandConformanceHook.Split(template));

    [Theory]
    [InlineData("hook 'unterminated")]
    [InlineData("   ")]
    public void Constructor_BadTemplate_Throws(string template) =>
        Assert.ThrowsAny<ArgumentException>(() => new CommandConformanceHook(template, TimeSpan.FromSeconds(5)));

    [Fact]
    public async Task MutateAsync_Create_PassesOperationNameAndJsonAsArguments()
    {
        var log = Path.Combine(_directory, "calls.txt");
        var hook = new CommandConformanceHook($"/bin/sh {Script("printf '%s|%s|%s|%s\\n' \"$1\" \"$2\" \"$3\" \"$MESHINTEROP_CONFORMANCE_OP\" >> \"" + log + "\"")} {{op}} {{name}} {{json}}", TimeSpan.FromSeconds(10));

        await hook.MutateAsync(new ConformanceMutation(ConformanceMutationKind.Create, "svc-a", "{\"name\": \"svc-a\"}"), TestContext.Current.CancellationToken);

        Assert.Equal("create|svc-a|{\"name\": \"svc-a\"}|create", (await File.ReadAllTextAsync(log, TestContext.Current.CancellationToken)).TrimEnd());
    }

    [Fact]
    public async Task ListAsync_ScriptPrintsArray_ReturnsEachService()
    {
        var hook = new CommandConformanceHook($"/bin/sh {Script("echo '[{\"name\":\"a\"}, {\"name\":\"b\",\"fqdn\":\"b.example\"}]'")}", TimeSpan.FromSeconds(10));

        var services = await hook.ListAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["{\"name\":\"a\"}", "{\"name\":\"b\",\"fqdn\":\"b.example\"}"], services);
    }

    [Theory]
    [InlineData("echo broken >&2; exit 3", "exited with code 3: broken")]
    [InlineData("echo '{\"name\":\"a\"}'", "must be a JSON array")]
    [InlineData("echo '[1]'", "element 0 is a JSON Number")]
    public async Task ListAsync_BadScript_ThrowsHookExceptionSayingWhy(string body, string expected)
    {
        var hook = new CommandConformanceHook($"/bin/sh {Script(body)}", TimeSpan.FromSeconds(10));

        var ex = await Assert.ThrowsAsync<ConformanceHookException>(() => hook.ListAsync(TestContext.Current.CancellationToken));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_MissingCommand_ThrowsHookException()
    {
        var hook = new CommandConformanceHook(Path.Combine(_directory, "does-not-exist") + " {op} {address}", TimeSpan.FromSeconds(10));

        var ex = await Assert.ThrowsAsync<ConformanceHookException>(() => hook.StartAsync(new Uri("https://127.0.0.1:1"), TestContext.Current.CancellationToken));

        Assert.Contains("could not be started for 'start'", ex.Message, StringComparison.Ordinal);
    }

    private string Script(string body)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".sh");
        File.WriteAllText(path, body + "\n");
        return path;
    }
}
