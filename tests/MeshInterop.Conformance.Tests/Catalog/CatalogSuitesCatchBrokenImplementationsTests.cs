using MeshInterop.Catalog;
using MeshInterop.Catalog.Diff;
using MeshInterop.Catalog.InMemory;
using MeshInterop.Conformance.Catalog;

namespace MeshInterop.Conformance.Tests.Catalog;

/// <summary>
/// Proves the suites can fail: each test runs one suite test against a deliberately broken implementation and
/// expects it to fail. The broken suites are private, so xUnit does not run them on their own.
/// </summary>
public sealed class CatalogSuitesCatchBrokenImplementationsTests
{
    [Fact]
    public async Task SourceSuite_InitialStateMissingAnEntry_Fails() =>
        await AssertFailsAsync(() => new BrokenSourceSuite(Breakage.DropsLastInitialEntry).WatchAsync_PopulatedRegistry_DeliversEveryEntryInTheInitialState());

    [Fact]
    public async Task SourceSuite_RemovalBeforeInitialStateComplete_Fails() =>
        await AssertFailsAsync(() => new BrokenSourceSuite(Breakage.RemovesBeforeInitialState).WatchAsync_BeforeInitialStateComplete_RemovesNothing());

    [Fact]
    public async Task SourceSuite_StreamEndsAfterInitialState_Fails() =>
        await AssertFailsAsync(() => new BrokenSourceSuite(Breakage.EndsAfterInitialState).WatchAsync_AddAfterInitialState_DeliversTheEntry());

    [Fact]
    public async Task SourceSuite_ChangesDeliveredOutOfOrder_Fails() =>
        await AssertFailsAsync(() => new BrokenSourceSuite(Breakage.ReplaysStaleState).WatchAsync_SequenceOfChanges_DeliversThemInOrder());

    [Fact]
    public async Task SinkSuite_CancelledTokenIgnored_Fails() =>
        await AssertFailsAsync(() => new BrokenSinkSuite(Breakage.IgnoresCancellation).ApplyAsync_CancelledToken_ThrowsAndARetryCompletesTheBatch());

    [Fact]
    public async Task SinkSuite_RemovalOfAbsentKeyThrows_Fails() =>
        await AssertFailsAsync(() => new BrokenSinkSuite(Breakage.StrictRemovals).ApplyAsync_RegistryAlreadyPartlyChanged_ReachesTheBatchState());

    [Fact]
    public async Task SinkSuite_ReconcileThatOnlyAdds_Fails() =>
        await AssertFailsAsync(() => new BrokenSinkSuite(Breakage.ReconcileOnlyAdds).ReconcileAsync_DriftedRegistry_ManagedEntriesEqualTheDesiredState());

    [Fact]
    public async Task SinkSuite_ReconcileDeletesRegistryOwnServices_Fails() =>
        await AssertFailsAsync(() => new BrokenSinkSuite(Breakage.DeletesUnmanaged).ReconcileAsync_RegistryOwnServices_AreNeverTouched());

    [Fact]
    public async Task SinkSuite_CorrectSinkOverARegistryWithOwnServices_Passes()
    {
        var suite = new BrokenSinkSuite(Breakage.None);
        await suite.ApplyAsync_RegistryOwnServices_AreNeverTouched();
        await suite.ReconcileAsync_RegistryOwnServices_AreNeverTouched();
    }

    private static async Task AssertFailsAsync(Func<Task> suiteTest)
    {
        // A suite test fails by throwing: an assertion, a timeout, or the implementation's own exception.
        var error = await Record.ExceptionAsync(suiteTest);
        Assert.True(error is not null and not OperationCanceledException, $"Expected the suite to fail, but it {(error is null ? "passed" : "was cancelled")}.");
    }

    private enum Breakage
    {
        None,
        DropsLastInitialEntry,
        RemovesBeforeInitialState,
        EndsAfterInitialState,
        ReplaysStaleState,
        IgnoresCancellation,
        StrictRemovals,
        ReconcileOnlyAdds,
        DeletesUnmanaged,
    }

    // Wraps the in-memory source and breaks one rule.
    private sealed class BrokenSource(InMemoryCatalogSource inner, Breakage breakage) : ICatalogSource
    {
        public async IAsyncEnumerable<CatalogSourceUpdate> WatchAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var seen = new Dictionary<ServiceKey, CatalogEntry>();
            await foreach (var update in inner.WatchAsync(cancellationToken))
            {
                if (update.IsFullState && breakage == Breakage.DropsLastInitialEntry)
                {
                    yield return CatalogSourceUpdate.FullState(update.Upserts.Take(update.Upserts.Length - 1));
                }
                else if (update.IsFullState && breakage == Breakage.RemovesBeforeInitialState)
                {
                    yield return CatalogSourceUpdate.Changes([], [update.Upserts[0].Key]);
                    yield return CatalogSourceUpdate.Changes(update.Upserts, [], completesInitialState: true);
                }
                else if (!update.IsFullState && breakage == Breakage.ReplaysStaleState)
                {
                    // Sends each key's previous state after its new one, as a source that reorders would.
                    yield return update;
                    var stale = update.Upserts.Where(e => seen.ContainsKey(e.Key)).Select(e => seen[e.Key]).ToList();
                    if (stale.Count > 0)
                    {
                        yield return CatalogSourceUpdate.Changes(stale, []);
                    }
                }
                else
                {
                    yield return update;
                }

                foreach (var entry in update.Upserts)
                {
                    seen[entry.Key] = entry;
                }

                if (breakage == Breakage.EndsAfterInitialState)
                {
                    yield break;
                }
            }
        }
    }

    private sealed class BrokenSourceSuite(Breakage breakage) : CatalogSourceConformanceTests<BrokenSource>
    {
        private readonly InMemoryCatalogSource _registry = new();

        protected override Task<BrokenSource> CreateSourceAsync(IReadOnlyList<CatalogEntry> entries, CancellationToken cancellationToken)
        {
            _registry.Publish(entries);
            return Task.FromResult(new BrokenSource(_registry, breakage));
        }

        protected override Task AddOrUpdateAsync(CatalogEntry entry, CancellationToken cancellationToken)
        {
            _registry.Update([entry], []);
            return Task.CompletedTask;
        }

        protected override Task RemoveAsync(ServiceKey key, CancellationToken cancellationToken)
        {
            _registry.Update([], [key]);
            return Task.CompletedTask;
        }
    }

    // A registry of managed and own services, and a sink over it that breaks one rule.
    private sealed class BrokenSink(Breakage breakage) : ICatalogSink
    {
        public Dictionary<ServiceKey, CatalogEntry> Managed { get; } = [];

        public Dictionary<ServiceKey, CatalogEntry> Own { get; } = [];

        public Task ApplyAsync(CatalogDiff changes, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(changes);
            if (breakage != Breakage.IgnoresCancellation)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            foreach (var change in changes)
            {
                if (change.New is not null)
                {
                    Managed[change.Key] = change.New;
                }
                else if (!Managed.Remove(change.Key) && breakage == Breakage.StrictRemovals)
                {
                    throw new KeyNotFoundException($"'{change.Key}' is not held.");
                }
            }

            return Task.CompletedTask;
        }

        public Task ReconcileAsync(CatalogSnapshot desired, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(desired);
            cancellationToken.ThrowIfCancellationRequested();
            if (breakage != Breakage.ReconcileOnlyAdds)
            {
                Managed.Clear();
            }

            if (breakage == Breakage.DeletesUnmanaged)
            {
                Own.Clear();
            }

            foreach (var entry in desired)
            {
                Managed[entry.Key] = entry;
            }

            return Task.CompletedTask;
        }
    }

    private sealed class BrokenSinkSuite(Breakage breakage) : CatalogSinkConformanceTests<BrokenSink>
    {
        private readonly BrokenSink _sink = new(breakage);

        protected override Task<BrokenSink> CreateSinkAsync(CancellationToken cancellationToken) => Task.FromResult(_sink);

        protected override Task<IReadOnlyCollection<CatalogEntry>> ReadManagedEntriesAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyCollection<CatalogEntry>>([.. _sink.Managed.Values]);

        protected override Task AddUnmanagedEntryAsync(CatalogEntry entry, CancellationToken cancellationToken)
        {
            _sink.Own[entry.Key] = entry;
            return Task.CompletedTask;
        }

        protected override Task<IReadOnlyCollection<CatalogEntry>> ReadUnmanagedEntriesAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyCollection<CatalogEntry>>([.. _sink.Own.Values]);
    }
}
