using MeshInterop.Catalog;
using MeshInterop.Federation.FileRegistry;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MeshInterop.Federation.Tests.FileRegistry;

public sealed class FileCatalogSourceTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingLogger<FileCatalogSource> _logger = new();

    private string RegistryPath => _directory.File("registry.json");

    public void Dispose() => _directory.Dispose();

    [Fact(Timeout = 30_000)]
    public async Task WatchAsync_FirstUpdate_IsTheFullState()
    {
        await WriteAsync(RegistryFiles.Service("web"), RegistryFiles.Service("api"));
        await using var watch = CreateSource().WatchAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);

        var first = await NextAsync(watch);

        Assert.True(first.IsFullState);
        Assert.Equal([RegistryFiles.Entry("api"), RegistryFiles.Entry("web")], first.Upserts);
        Assert.Contains("loaded with 2 services", await _logger.WaitForAsync("Loaded"), StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task WatchAsync_FileEdited_DeliversOnlyTheChanges()
    {
        await WriteAsync(RegistryFiles.Service("web"), RegistryFiles.Service("api"), RegistryFiles.Service("old"));
        await using var watch = CreateSource().WatchAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        await NextAsync(watch);

        // Rewritten in place, as an editor does: a half-written read is rejected, and the complete file wins.
        await File.WriteAllTextAsync(RegistryPath, RegistryFiles.Document(RegistryFiles.Service("web"), RegistryFiles.Service("api", port: 9443), RegistryFiles.Service("new")), TestContext.Current.CancellationToken);
        var update = await NextAsync(watch);

        Assert.False(update.IsFullState);
        Assert.Equal([RegistryFiles.Entry("api", port: 9443), RegistryFiles.Entry("new")], update.Upserts);
        Assert.Equal([new ServiceKey("old")], update.Removals);
    }

    [Fact(Timeout = 30_000)]
    public async Task WatchAsync_InvalidEdit_KeepsTheLastGoodStateAndReportsEveryProblem()
    {
        await WriteAsync(RegistryFiles.Service("web"), RegistryFiles.Service("api"));
        var source = CreateSource();
        await using var watch = source.WatchAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        await NextAsync(watch);
        var pending = watch.MoveNextAsync().AsTask();

        // A typo that removes 'api' by accident and breaks 'web': nothing may be dropped.
        await WriteAsync(RegistryFiles.Service("web", port: 123456));
        var message = await _logger.WaitForAsync("Rejected");

        Assert.False(pending.IsCompleted);
        Assert.Contains("the last good version with 2 services stays in force", message, StringComparison.Ordinal);
        Assert.Contains("services[0].endpoints[0].port", message, StringComparison.Ordinal);
        var error = Assert.Single(source.LastErrors);
        Assert.Equal(RegistryPath, error.File);
        Assert.Equal(7, error.Line);

        // Fixed: the changes are computed against the last good state, not the rejected one.
        await WriteAsync(RegistryFiles.Service("web"), RegistryFiles.Service("api"), RegistryFiles.Service("extra"));
        Assert.True(await pending.WaitAsync(TestContext.Current.CancellationToken));
        Assert.Equal([RegistryFiles.Entry("extra")], watch.Current.Upserts);
        Assert.Empty(watch.Current.Removals);
        Assert.Empty(source.LastErrors);
    }

    [Fact(Timeout = 30_000)]
    public async Task WatchAsync_FileDeleted_KeepsTheServicesUntilItComesBack()
    {
        await WriteAsync(RegistryFiles.Service("web"));
        await using var watch = CreateSource().WatchAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        await NextAsync(watch);
        var pending = watch.MoveNextAsync().AsTask();

        File.Delete(RegistryPath);
        var message = await _logger.WaitForAsync("Rejected");
        Assert.Contains("does not exist", message, StringComparison.Ordinal);
        Assert.False(pending.IsCompleted);

        await WriteAsync(RegistryFiles.Service("web"), RegistryFiles.Service("api"));
        Assert.True(await pending.WaitAsync(TestContext.Current.CancellationToken));
        Assert.Equal([RegistryFiles.Entry("api")], watch.Current.Upserts);
    }

    [Fact(Timeout = 30_000)]
    public async Task WatchAsync_SameContentRewrittenOrPolled_DeliversNothing()
    {
        await WriteAsync(RegistryFiles.Service("web"));
        await using var watch = CreateSource().WatchAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken);
        await NextAsync(watch);
        var pending = watch.MoveNextAsync().AsTask();

        await WriteAsync(RegistryFiles.Service("web"));
        _time.Advance(TimeSpan.FromSeconds(5));
        _time.Advance(TimeSpan.FromSeconds(5));
        await WriteAsync(RegistryFiles.Service("web"), RegistryFiles.Service("api"));

        // The first update is the real change: the rewrite and the polls of unchanged content were recognised.
        Assert.True(await pending.WaitAsync(TestContext.Current.CancellationToken));
        Assert.Equal([RegistryFiles.Entry("api")], watch.Current.Upserts);
        Assert.DoesNotContain(_logger.Records, r => r.Id.Name == "Reloaded" && r.Message.Contains(" 0 services added", StringComparison.Ordinal));
    }

    [Fact(Timeout = 30_000)]
    public async Task WatchAsync_InvalidAtStart_ThrowsWithEveryProblem()
    {
        await WriteAsync("""{ "name": "web" }""");
        var source = CreateSource();

        var exception = await Assert.ThrowsAsync<CatalogFileException>(async () =>
        {
            await foreach (var update in source.WatchAsync(TestContext.Current.CancellationToken))
            {
                Assert.Fail($"Unexpected update {update}.");
            }
        });

        Assert.Equal(RegistryPath, exception.File);
        Assert.Contains(exception.Errors, e => e.Field == "services[0].fqdn");
    }

    [Fact(Timeout = 30_000)]
    public async Task WatchAsync_MissingAtStart_Throws()
    {
        var source = CreateSource();

        var exception = await Assert.ThrowsAsync<CatalogFileException>(async () => await source.WatchAsync(TestContext.Current.CancellationToken).GetAsyncEnumerator(TestContext.Current.CancellationToken).MoveNextAsync());

        Assert.Contains("does not exist", exception.Message, StringComparison.Ordinal);
    }

    private static async Task<CatalogSourceUpdate> NextAsync(IAsyncEnumerator<CatalogSourceUpdate> watch)
    {
        Assert.True(await watch.MoveNextAsync());
        return watch.Current;
    }

    private FileCatalogSource CreateSource() =>
        new(Options.Create(new FileRegistryOptions { ServicesPath = RegistryPath, ImportsPath = _directory.File("imports.json") }), _time, _logger);

    // Replaced by a rename, as careful tools do, so the source never reads a half-written file here.
    private async Task WriteAsync(params string[] services)
    {
        var temporary = _directory.File(Guid.NewGuid().ToString("N") + ".tmp");
        await File.WriteAllTextAsync(temporary, RegistryFiles.Document(services), TestContext.Current.CancellationToken);
        File.Move(temporary, RegistryPath, overwrite: true);
    }
}
