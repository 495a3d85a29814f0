using MeshInterop.Catalog;
using MeshInterop.Federation.Internal;
using MeshInterop.Identity.X509;
using MeshInterop.Protocol.Consumer;
using MeshInterop.Testing.Pki;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MeshInterop.Federation.Tests.Internal;

public sealed class TrackingImportHandlerTests : IDisposable
{
    private static readonly CatalogEntry Entry = new() { Key = new ServiceKey("web"), Name = "web" };
    private readonly FakeTimeProvider _time = new();
    private readonly SinkProgress _progress = new();
    private readonly FederationAgent _agent;
    private readonly TrackingImportHandler _handler;

    public TrackingImportHandlerTests()
    {
        using var ca = TestCertificateAuthority.CreateRoot("mesh-a.example");
        var services = new ServiceCollection()
            .AddSingleton<IX509SvidSource>(new InMemoryX509SvidSource(X509Svid.Create(ca.IssueSvid("/meshinterop/agent").Leaf)))
            .BuildServiceProvider();
        _agent = new FederationAgent(Microsoft.Extensions.Options.Options.Create(MeshFederationOptionsValidatorTests.Valid()), services, _time);
        _handler = new TrackingImportHandler(new NothingHandler(), new FederationStatus(_agent), 0, new ChangeSignal(), _progress, TimeSpan.FromSeconds(15), _time);
    }

    [Fact]
    public async Task UpsertAsync_BeforeTheFirstSinkWrite_AnswersAtOnce()
    {
        var upsert = _handler.UpsertAsync("mesh-b", Entry, TestContext.Current.CancellationToken);

        Assert.True(upsert.IsCompletedSuccessfully);
        await upsert;
    }

    [Fact]
    public async Task UpsertAsync_SinkLive_AnswersOnlyOnceTheSinkWroteTheChange()
    {
        _progress.Written(0);

        var upsert = _handler.UpsertAsync("mesh-b", Entry, TestContext.Current.CancellationToken).AsTask();
        Assert.False(upsert.IsCompleted);
        _progress.Written(_progress.Requested);

        await upsert;
    }

    [Fact]
    public async Task DeleteAsync_SinkStuckPastTheBudget_FailsSoTheConsumerNacksUnavailable()
    {
        _progress.Written(0);

        var delete = _handler.DeleteAsync("mesh-b", Entry.Key, TestContext.Current.CancellationToken).AsTask();
        _time.Advance(TimeSpan.FromSeconds(15));

        var error = await Assert.ThrowsAsync<TimeoutException>(() => delete);
        Assert.Contains("kept in the import view", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpsertAsync_TermEnds_WaitingChangeReleased()
    {
        _progress.Written(0);
        var upsert = _handler.UpsertAsync("mesh-b", Entry, TestContext.Current.CancellationToken).AsTask();

        _progress.Close();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => upsert);
    }

    public void Dispose() => _agent.Dispose();

    private sealed class NothingHandler : IHamletImportHandler
    {
        public ValueTask BeginSubscriptionAsync(string peer, long? announcedSnapshotCount, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask UpsertAsync(string peer, CatalogEntry entry, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DeleteAsync(string peer, ServiceKey key, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask MarkAssertedAsync(string peer, ServiceKey key, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask DisconnectedAsync(string peer, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask PurgeAsync(string peer, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
