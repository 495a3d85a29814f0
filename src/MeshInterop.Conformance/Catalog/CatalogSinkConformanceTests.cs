using System.Diagnostics.CodeAnalysis;
using MeshInterop.Catalog;
using MeshInterop.Catalog.Diff;
using MeshInterop.Conformance.Catalog.Internal;
using Xunit;

namespace MeshInterop.Conformance.Catalog;

/// <summary>
/// The conformance suite for an <see cref="ICatalogSink"/>: inherit it in a test class, supply the sink and the hooks
/// that read the registry behind it, and every test below runs against your implementation.
/// <para/>
/// It checks the contract the federation agent relies on: a batch is durable when <see cref="ICatalogSink.ApplyAsync"/>
/// returns, batches apply in order, applying a batch again (or over a registry that already holds part of it)
/// changes nothing, <see cref="ICatalogSink.ReconcileAsync"/> makes the managed entries equal to the desired state,
/// neither call ever touches the registry's own services, and both honour their cancellation token.
/// <para/>
/// xUnit creates a new instance of the test class for each test, and each test calls <see cref="CreateSinkAsync"/>
/// exactly once, over an empty registry; keep the registry in a field of the test class. Every test is
/// <see langword="virtual"/>: override one to adapt it, or to skip it with <c>Assert.Skip("reason")</c>.
/// </summary>
/// <typeparam name="TSink">The implementation under test; the guard that checks every implementation has a suite reads it.</typeparam>
[SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "Test names read Method_Scenario_Expected.")]
public abstract class CatalogSinkConformanceTests<TSink>
    where TSink : ICatalogSink
{
    private const string NoOwnEntries = "The registry behind this sink holds no services of its own.";

    /// <summary>Gets a value indicating whether the registry can hold services the sink does not manage (the registry's own).</summary>
    /// <value>
    /// The default value is <see langword="true"/>: override <see cref="AddUnmanagedEntryAsync"/> and
    /// <see cref="ReadUnmanagedEntriesAsync"/>, or return <see langword="false"/> to skip the tests that need them.
    /// </value>
    protected virtual bool SupportsUnmanagedEntries => true;

    /// <summary>Additions are durable in the registry when the call returns.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task ApplyAsync_Additions_RegistryHoldsThem()
    {
        var sink = await CreateOnceAsync().ConfigureAwait(false);
        var entries = new[] { CreateEntry("one", 1), CreateEntry("two", 1), CreateEntry("three", 1) };

        await sink.ApplyAsync(CatalogDiff.Create(entries.Select(CatalogChange.Added)), Token).ConfigureAwait(false);

        await AssertManagedAsync(entries, "after applying three additions").ConfigureAwait(false);
    }

    /// <summary>A batch of an addition, an update and a removal leaves the registry at the batch's new state.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task ApplyAsync_UpdateAndRemoval_RegistryHoldsTheNewState()
    {
        var sink = await CreateOnceAsync().ConfigureAwait(false);
        var kept = CreateEntry("kept", 1);
        var changed = CreateEntry("changed", 1);
        var removed = CreateEntry("removed", 1);
        await ApplyAsync(sink, CatalogChange.Added(kept), CatalogChange.Added(changed), CatalogChange.Added(removed)).ConfigureAwait(false);
        var changedLater = CreateEntry("changed", 2);
        var added = CreateEntry("added", 1);

        await ApplyAsync(sink, CatalogChange.Updated(changed, changedLater), CatalogChange.Removed(removed), CatalogChange.Added(added)).ConfigureAwait(false);

        await AssertManagedAsync([kept, changedLater, added], "after a batch with an update, a removal and an addition").ConfigureAwait(false);
    }

    /// <summary>Batches apply in the order given: after an update, a removal and a new addition of one key, the last wins.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task ApplyAsync_BatchesInSequence_LastChangeWins()
    {
        var sink = await CreateOnceAsync().ConfigureAwait(false);
        var first = CreateEntry("churn", 1);
        var second = CreateEntry("churn", 2);
        var third = CreateEntry("churn", 3);
        var other = CreateEntry("other", 1);

        await ApplyAsync(sink, CatalogChange.Added(first)).ConfigureAwait(false);
        await ApplyAsync(sink, CatalogChange.Updated(first, second), CatalogChange.Added(other)).ConfigureAwait(false);
        await ApplyAsync(sink, CatalogChange.Removed(second)).ConfigureAwait(false);
        await ApplyAsync(sink, CatalogChange.Added(third)).ConfigureAwait(false);

        await AssertManagedAsync([third, other], "after four batches").ConfigureAwait(false);
    }

    /// <summary>Applying the same batch twice (a retry after a lost acknowledgement) changes nothing the second time.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task ApplyAsync_SameBatchTwice_SecondChangesNothing()
    {
        var sink = await CreateOnceAsync().ConfigureAwait(false);
        var a = CreateEntry("a", 1);
        var b = CreateEntry("b", 1);
        await ApplyAsync(sink, CatalogChange.Added(a), CatalogChange.Added(b)).ConfigureAwait(false);
        var aLater = CreateEntry("a", 2);
        var c = CreateEntry("c", 1);
        var batch = CatalogDiff.Create([CatalogChange.Updated(a, aLater), CatalogChange.Removed(b), CatalogChange.Added(c)]);

        await sink.ApplyAsync(batch, Token).ConfigureAwait(false);
        var afterFirst = await ReadManagedOnceAsync().ConfigureAwait(false);
        await sink.ApplyAsync(batch, Token).ConfigureAwait(false);

        await AssertManagedAsync([aLater, c], "after applying the same batch twice").ConfigureAwait(false);
        var afterSecond = await ReadManagedOnceAsync().ConfigureAwait(false);
        Assert.True(
            afterFirst.OrderBy(e => e.Key).SequenceEqual(afterSecond.OrderBy(e => e.Key)),
            "Applying the same batch a second time changed what the registry holds.");
    }

    /// <summary>
    /// A batch applies whatever the registry held before (say a batch that was partly applied before a failure):
    /// an addition of a key already held replaces it, an update of an absent key creates it, a removal of an absent key is no error.
    /// </summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task ApplyAsync_RegistryAlreadyPartlyChanged_ReachesTheBatchState()
    {
        var sink = await CreateOnceAsync().ConfigureAwait(false);
        var held = CreateEntry("held", 1);
        await ApplyAsync(sink, CatalogChange.Added(held)).ConfigureAwait(false);
        var heldLater = CreateEntry("held", 2);
        var absentOld = CreateEntry("absent", 1);
        var absentNew = CreateEntry("absent", 2);
        var gone = CreateEntry("gone", 1);

        await ApplyAsync(sink, CatalogChange.Added(heldLater), CatalogChange.Updated(absentOld, absentNew), CatalogChange.Removed(gone)).ConfigureAwait(false);

        await AssertManagedAsync([heldLater, absentNew], "after a batch that does not match what the registry held").ConfigureAwait(false);
    }

    /// <summary>An empty batch changes nothing.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task ApplyAsync_EmptyBatch_ChangesNothing()
    {
        var sink = await CreateOnceAsync().ConfigureAwait(false);
        var entry = CreateEntry("only", 1);
        await ApplyAsync(sink, CatalogChange.Added(entry)).ConfigureAwait(false);

        await sink.ApplyAsync(CatalogDiff.Empty, Token).ConfigureAwait(false);

        await AssertManagedAsync([entry], "after an empty batch").ConfigureAwait(false);
    }

    /// <summary>
    /// A call whose token is already cancelled throws <see cref="OperationCanceledException"/>; the batch may be
    /// partly applied, and applying it again completes it.
    /// </summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task ApplyAsync_CancelledToken_ThrowsAndARetryCompletesTheBatch()
    {
        var sink = await CreateOnceAsync().ConfigureAwait(false);
        var entries = new[] { CreateEntry("first", 1), CreateEntry("second", 1) };
        var batch = CatalogDiff.Create(entries.Select(CatalogChange.Added));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync().ConfigureAwait(false);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sink.ApplyAsync(batch, cancelled.Token)).ConfigureAwait(false);
        await sink.ApplyAsync(batch, Token).ConfigureAwait(false);

        await AssertManagedAsync(entries, "after a cancelled batch and its retry").ConfigureAwait(false);
    }

    /// <summary>A null batch is rejected with the parameter's name.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task ApplyAsync_NullChanges_ThrowsArgumentNullException()
    {
        var sink = await CreateOnceAsync().ConfigureAwait(false);

        var error = await Assert.ThrowsAsync<ArgumentNullException>(() => sink.ApplyAsync(null!, Token)).ConfigureAwait(false);

        Assert.Equal("changes", error.ParamName);
    }

    /// <summary>Applying changes never touches the registry's own services, not even a removal that names one.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task ApplyAsync_RegistryOwnServices_AreNeverTouched()
    {
        Assert.SkipUnless(SupportsUnmanagedEntries, NoOwnEntries);
        var sink = await CreateOnceAsync().ConfigureAwait(false);
        var own = CreateEntry("registry-own", 1);
        await AddUnmanagedEntryAsync(own, Token).ConfigureAwait(false);
        var before = await ReadUnmanagedOnceAsync().ConfigureAwait(false);
        var imported = CreateEntry("imported", 1);

        await ApplyAsync(sink, CatalogChange.Added(imported), CatalogChange.Removed(own)).ConfigureAwait(false);

        await AssertManagedAsync([imported], "after a batch next to the registry's own service").ConfigureAwait(false);
        await AssertUnmanagedUnchangedAsync(before, "a batch removing a key the sink does not manage").ConfigureAwait(false);
    }

    /// <summary>Reconciling an empty registry creates every desired entry.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task ReconcileAsync_EmptyRegistry_CreatesTheDesiredEntries()
    {
        var sink = await CreateOnceAsync().ConfigureAwait(false);
        var desired = new[] { CreateEntry("x", 1), CreateEntry("y", 1) };

        await sink.ReconcileAsync(CatalogSnapshot.Create(desired), Token).ConfigureAwait(false);

        await AssertManagedAsync(desired, "after reconciling an empty registry").ConfigureAwait(false);
    }

    /// <summary>Reconciling a drifted registry creates, updates and deletes until the managed entries equal the desired state.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task ReconcileAsync_DriftedRegistry_ManagedEntriesEqualTheDesiredState()
    {
        var sink = await CreateOnceAsync().ConfigureAwait(false);
        var stale = CreateEntry("stale", 1);
        var same = CreateEntry("same", 1);
        var drifted = CreateEntry("drifted", 1);
        await ApplyAsync(sink, CatalogChange.Added(stale), CatalogChange.Added(same), CatalogChange.Added(drifted)).ConfigureAwait(false);
        var desired = new[] { same, CreateEntry("drifted", 2), CreateEntry("missing", 1) };

        await sink.ReconcileAsync(CatalogSnapshot.Create(desired), Token).ConfigureAwait(false);

        await AssertManagedAsync(desired, "after reconciling a drifted registry").ConfigureAwait(false);
    }

    /// <summary>Reconciling against an empty desired state removes every managed entry.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task ReconcileAsync_EmptyDesiredState_RemovesEveryManagedEntry()
    {
        var sink = await CreateOnceAsync().ConfigureAwait(false);
        await ApplyAsync(sink, CatalogChange.Added(CreateEntry("p", 1)), CatalogChange.Added(CreateEntry("q", 1))).ConfigureAwait(false);

        await sink.ReconcileAsync(CatalogSnapshot.Empty, Token).ConfigureAwait(false);

        await AssertManagedAsync([], "after reconciling against an empty desired state").ConfigureAwait(false);
    }

    /// <summary>Reconciling twice against the same desired state changes nothing the second time.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task ReconcileAsync_Twice_SecondChangesNothing()
    {
        var sink = await CreateOnceAsync().ConfigureAwait(false);
        await ApplyAsync(sink, CatalogChange.Added(CreateEntry("old", 1))).ConfigureAwait(false);
        var desired = CatalogSnapshot.Create([CreateEntry("new", 1), CreateEntry("other", 2)]);

        await sink.ReconcileAsync(desired, Token).ConfigureAwait(false);
        var afterFirst = await ReadManagedOnceAsync().ConfigureAwait(false);
        await sink.ReconcileAsync(desired, Token).ConfigureAwait(false);

        await AssertManagedAsync(desired, "after reconciling twice").ConfigureAwait(false);
        var afterSecond = await ReadManagedOnceAsync().ConfigureAwait(false);
        Assert.True(
            afterFirst.OrderBy(e => e.Key).SequenceEqual(afterSecond.OrderBy(e => e.Key)),
            "Reconciling a second time against the same desired state changed what the registry holds.");
    }

    /// <summary>Reconciling never touches the registry's own services, whatever the desired state.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task ReconcileAsync_RegistryOwnServices_AreNeverTouched()
    {
        Assert.SkipUnless(SupportsUnmanagedEntries, NoOwnEntries);
        var sink = await CreateOnceAsync().ConfigureAwait(false);
        await AddUnmanagedEntryAsync(CreateEntry("own-one", 1), Token).ConfigureAwait(false);
        await AddUnmanagedEntryAsync(CreateEntry("own-two", 1), Token).ConfigureAwait(false);
        var before = await ReadUnmanagedOnceAsync().ConfigureAwait(false);
        await ApplyAsync(sink, CatalogChange.Added(CreateEntry("imported", 1))).ConfigureAwait(false);
        var desired = new[] { CreateEntry("wanted", 1) };

        await sink.ReconcileAsync(CatalogSnapshot.Create(desired), Token).ConfigureAwait(false);
        await AssertUnmanagedUnchangedAsync(before, "reconciling against a desired state without them").ConfigureAwait(false);
        await sink.ReconcileAsync(CatalogSnapshot.Empty, Token).ConfigureAwait(false);

        await AssertManagedAsync([], "after reconciling against an empty desired state").ConfigureAwait(false);
        await AssertUnmanagedUnchangedAsync(before, "reconciling against an empty desired state").ConfigureAwait(false);
    }

    /// <summary>A reconcile whose token is already cancelled throws <see cref="OperationCanceledException"/>, and a retry completes it.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task ReconcileAsync_CancelledToken_ThrowsAndARetryCompletesIt()
    {
        var sink = await CreateOnceAsync().ConfigureAwait(false);
        await ApplyAsync(sink, CatalogChange.Added(CreateEntry("before", 1))).ConfigureAwait(false);
        var desired = new[] { CreateEntry("after", 1) };
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync().ConfigureAwait(false);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sink.ReconcileAsync(CatalogSnapshot.Create(desired), cancelled.Token)).ConfigureAwait(false);
        await sink.ReconcileAsync(CatalogSnapshot.Create(desired), Token).ConfigureAwait(false);

        await AssertManagedAsync(desired, "after a cancelled reconcile and its retry").ConfigureAwait(false);
    }

    /// <summary>A null desired state is rejected with the parameter's name.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task ReconcileAsync_NullDesired_ThrowsArgumentNullException()
    {
        var sink = await CreateOnceAsync().ConfigureAwait(false);

        var error = await Assert.ThrowsAsync<ArgumentNullException>(() => sink.ReconcileAsync(null!, Token)).ConfigureAwait(false);

        Assert.Equal("desired", error.ParamName);
    }

    /// <summary>Creates an empty registry and the sink under test over it. Called once per test, before the other hooks.</summary>
    /// <param name="cancellationToken">The test's token.</param>
    /// <returns>The sink.</returns>
    protected abstract Task<TSink> CreateSinkAsync(CancellationToken cancellationToken);

    /// <summary>Reads back, from the registry itself, the services the sink manages, as catalog entries.</summary>
    /// <param name="cancellationToken">The test's token.</param>
    /// <returns>The managed services, one per key, in any order.</returns>
    protected abstract Task<IReadOnlyCollection<CatalogEntry>> ReadManagedEntriesAsync(CancellationToken cancellationToken);

    /// <summary>Adds a service of the registry's own, one the sink must never change or delete.</summary>
    /// <param name="entry">The service, from <see cref="CreateEntry"/>.</param>
    /// <param name="cancellationToken">The test's token.</param>
    /// <returns>A task that completes when the registry holds the service.</returns>
    /// <exception cref="NotSupportedException">Not overridden; override it or <see cref="SupportsUnmanagedEntries"/>.</exception>
    protected virtual Task AddUnmanagedEntryAsync(CatalogEntry entry, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"Override {nameof(AddUnmanagedEntryAsync)}, or return false from {nameof(SupportsUnmanagedEntries)}.");

    /// <summary>Reads back the registry's own services (those the sink does not manage), as catalog entries.</summary>
    /// <param name="cancellationToken">The test's token.</param>
    /// <returns>The services, in any order.</returns>
    /// <exception cref="NotSupportedException">Not overridden; override it or <see cref="SupportsUnmanagedEntries"/>.</exception>
    protected virtual Task<IReadOnlyCollection<CatalogEntry>> ReadUnmanagedEntriesAsync(CancellationToken cancellationToken) =>
        throw new NotSupportedException($"Override {nameof(ReadUnmanagedEntriesAsync)}, or return false from {nameof(SupportsUnmanagedEntries)}.");

    /// <summary>
    /// Creates the import the tests write: each <paramref name="generation"/> differs in content. Override it when the
    /// registry cannot hold some field of the default; <see cref="ReadManagedEntriesAsync"/> must read it back as
    /// <see cref="AreEquivalent"/> defines.
    /// </summary>
    /// <param name="name">The local name, a DNS-1123 label; also its key.</param>
    /// <param name="generation">1 or more; different generations have different content.</param>
    /// <returns>The entry.</returns>
    protected virtual CatalogEntry CreateEntry(string name, int generation) =>
        ConformanceEntries.Create(name, generation, CatalogOrigin.FromPeer("conformance-peer", new ServiceKey(name)));

    /// <summary>
    /// Decides whether the registry holds <paramref name="applied"/> faithfully as <paramref name="readBack"/>.
    /// The default is exact equality; override it when the registry adds or drops fields on the way.
    /// </summary>
    /// <param name="applied">The entry the test gave the sink.</param>
    /// <param name="readBack">The entry read back from the registry.</param>
    /// <returns><see langword="true"/> when they describe the same service state.</returns>
    protected virtual bool AreEquivalent(CatalogEntry applied, CatalogEntry readBack)
    {
        ArgumentNullException.ThrowIfNull(applied);
        return applied.Equals(readBack);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static Task ApplyAsync(TSink sink, params CatalogChange[] changes) => sink.ApplyAsync(CatalogDiff.Create(changes), Token);

    private async Task<TSink> CreateOnceAsync()
    {
        var sink = await CreateSinkAsync(Token).ConfigureAwait(false);
        Assert.NotNull(sink);
        return sink;
    }

    private async Task<IReadOnlyCollection<CatalogEntry>> ReadManagedOnceAsync() =>
        await ReadManagedEntriesAsync(Token).ConfigureAwait(false) ?? throw new InvalidOperationException($"{nameof(ReadManagedEntriesAsync)} returned null.");

    private async Task<IReadOnlyCollection<CatalogEntry>> ReadUnmanagedOnceAsync() =>
        await ReadUnmanagedEntriesAsync(Token).ConfigureAwait(false) ?? throw new InvalidOperationException($"{nameof(ReadUnmanagedEntriesAsync)} returned null.");

    private async Task AssertManagedAsync(IEnumerable<CatalogEntry> expected, string when)
    {
        var held = await ReadManagedOnceAsync().ConfigureAwait(false);
        var byKey = new Dictionary<ServiceKey, CatalogEntry>();
        foreach (var entry in held)
        {
            Assert.True(byKey.TryAdd(entry.Key, entry), $"The registry holds key '{entry.Key}' more than once {when}.");
        }

        var wanted = expected.ToList();
        Assert.True(
            byKey.Keys.ToHashSet().SetEquals(wanted.Select(e => e.Key)),
            $"Expected the sink to manage {ConformanceEntries.Describe(wanted.Select(e => e.Key))} {when}, but the registry holds {ConformanceEntries.Describe(byKey.Keys)}.");
        foreach (var entry in wanted)
        {
            Assert.True(AreEquivalent(entry, byKey[entry.Key]), $"{when}, the registry holds '{entry.Key}' as {byKey[entry.Key]}, not as applied: {entry}.");
        }
    }

    private async Task AssertUnmanagedUnchangedAsync(IReadOnlyCollection<CatalogEntry> before, string after)
    {
        var now = await ReadUnmanagedOnceAsync().ConfigureAwait(false);
        Assert.True(
            before.OrderBy(e => e.Key).SequenceEqual(now.OrderBy(e => e.Key)),
            $"The registry's own services changed after {after}: they were {ConformanceEntries.Describe(before.Select(e => e.Key))} and are {ConformanceEntries.Describe(now.Select(e => e.Key))}.");
    }
}
