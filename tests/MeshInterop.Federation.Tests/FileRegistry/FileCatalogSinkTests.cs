using MeshInterop.Catalog;
using MeshInterop.Catalog.Diff;
using MeshInterop.Federation.FileRegistry;
using Microsoft.Extensions.Options;

namespace MeshInterop.Federation.Tests.FileRegistry;

public sealed class FileCatalogSinkTests : IDisposable
{
    private static readonly CatalogFileReadOptions ImportsFile = new() { AllowImported = true };

    private readonly TemporaryDirectory _directory = new();
    private readonly RecordingLogger<FileCatalogSink> _logger = new();

    private string ImportsPath => _directory.File("state/imports.json");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ApplyAsync_WritesTheImportsWithTheirOrigin()
    {
        using var sink = CreateSink();
        var httpbin = Imported("httpbin");

        await sink.ApplyAsync(Diff([], [httpbin]), TestContext.Current.CancellationToken);

        Assert.Equal([httpbin], await ReadAsync());
        Assert.Equal([ImportsPath], Directory.GetFiles(Path.GetDirectoryName(ImportsPath)!));
    }

    [Fact]
    public async Task ApplyAsync_SameBatchTwice_ChangesNothing()
    {
        using var sink = CreateSink();
        var diff = Diff([Imported("a")], [Imported("a", port: 9443), Imported("b")]);

        await sink.ApplyAsync(diff, TestContext.Current.CancellationToken);
        var written = await File.ReadAllBytesAsync(ImportsPath, TestContext.Current.CancellationToken);
        await sink.ApplyAsync(diff, TestContext.Current.CancellationToken);

        Assert.Equal(written, await File.ReadAllBytesAsync(ImportsPath, TestContext.Current.CancellationToken));
        Assert.Single(_logger.Records, r => r.Id.Name == "Written");
    }

    [Fact]
    public async Task ApplyAsync_Removal_DropsTheEntry()
    {
        using var sink = CreateSink();
        await sink.ApplyAsync(Diff([], [Imported("a"), Imported("b")]), TestContext.Current.CancellationToken);

        await sink.ApplyAsync(Diff([Imported("a")], []), TestContext.Current.CancellationToken);

        Assert.Equal([Imported("b")], await ReadAsync());
    }

    [Fact]
    public async Task ApplyAsync_AfterRestart_BuildsOnTheFileWrittenBefore()
    {
        using (var before = CreateSink())
        {
            await before.ApplyAsync(Diff([], [Imported("a"), Imported("b")]), TestContext.Current.CancellationToken);
        }

        using var after = CreateSink();
        await after.ApplyAsync(Diff([], [Imported("c")]), TestContext.Current.CancellationToken);

        Assert.Equal([Imported("a"), Imported("b"), Imported("c")], await ReadAsync());
    }

    [Fact]
    public async Task ReconcileAsync_ReplacesWhateverTheFileHeld()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ImportsPath)!);
        await File.WriteAllTextAsync(ImportsPath, "not json", TestContext.Current.CancellationToken);
        using var sink = CreateSink();

        await sink.ReconcileAsync(CatalogSnapshot.Create([Imported("x"), Imported("y")]), TestContext.Current.CancellationToken);

        Assert.Equal([Imported("x"), Imported("y")], await ReadAsync());
        await sink.ReconcileAsync(CatalogSnapshot.Create([]), TestContext.Current.CancellationToken);
        Assert.Empty(await ReadAsync());
    }

    [Fact]
    public async Task ApplyAsync_OverAnInvalidFile_ReplacesItAndWarns()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ImportsPath)!);
        await File.WriteAllTextAsync(ImportsPath, "{ \"services\": 1 }", TestContext.Current.CancellationToken);
        using var sink = CreateSink();

        await sink.ApplyAsync(Diff([], [Imported("a")]), TestContext.Current.CancellationToken);

        Assert.Equal([Imported("a")], await ReadAsync());
        Assert.Contains("services: expected an array", await _logger.WaitForAsync("ExistingFileIgnored"), StringComparison.Ordinal);
    }

    private static CatalogEntry Imported(string name, int port = 15443) =>
        RegistryFiles.Entry("nsxsm-" + name, port: port) with { Origin = CatalogOrigin.FromPeer("nsxsm", new ServiceKey(name)) };

    private static CatalogDiff Diff(IEnumerable<CatalogEntry> before, IEnumerable<CatalogEntry> after) =>
        CatalogDiffer.Diff(CatalogSnapshot.Create(before), CatalogSnapshot.Create(after));

    private FileCatalogSink CreateSink() =>
        new(Options.Create(new FileRegistryOptions { ServicesPath = _directory.File("registry.json"), ImportsPath = ImportsPath }), _logger);

    private async Task<IReadOnlyList<CatalogEntry>> ReadAsync()
    {
        var result = await CatalogFile.ReadAsync(ImportsPath, ImportsFile, TestContext.Current.CancellationToken);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        return result.Entries;
    }
}
