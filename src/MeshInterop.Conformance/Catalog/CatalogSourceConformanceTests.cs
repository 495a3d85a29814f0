using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using MeshInterop.Catalog;
using MeshInterop.Conformance.Catalog.Internal;
using Xunit;

namespace MeshInterop.Conformance.Catalog;

/// <summary>
/// The conformance suite for an <see cref="ICatalogSource"/>: inherit it in a test class, supply the source and the
/// hooks that change the registry behind it, and every test below runs against your implementation.
/// <para/>
/// It checks the contract consumers rely on: the initial state is delivered in full and then signalled complete
/// (so a consumer never infers a deletion before it), later changes arrive in the order they were made, writing the
/// same content again changes nothing, each watch starts from the current state, and cancellation ends the watch.
/// <para/>
/// xUnit creates a new instance of the test class for each test, and each test calls
/// <see cref="CreateSourceAsync"/> exactly once; keep the registry in a field of the test class. Every test is
/// <see langword="virtual"/>: override one to adapt it, or to skip it with <c>Assert.Skip("reason")</c>.
/// </summary>
/// <typeparam name="TSource">The implementation under test; the guard that checks every implementation has a suite reads it.</typeparam>
[SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "Test names read Method_Scenario_Expected.")]
public abstract class CatalogSourceConformanceTests<TSource>
    where TSource : ICatalogSource
{
    private bool _created;

    /// <summary>Gets how long a test waits for the source's next update before it fails.</summary>
    /// <value>The default value is 30 seconds: a bound on a hang, not a performance target.</value>
    protected virtual TimeSpan UpdateTimeout => TimeSpan.FromSeconds(30);

    /// <summary>Gets how many services the registry holds in the initial-state tests.</summary>
    /// <value>The default value is 5; raise it to exercise an implementation's paging.</value>
    protected virtual int InitialEntryCount => 5;

    /// <summary>A registry holding services is delivered in full before the source signals its initial state complete.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task WatchAsync_PopulatedRegistry_DeliversEveryEntryInTheInitialState()
    {
        var entries = Enumerable.Range(0, InitialEntryCount).Select(i => CreateEntry("svc-" + i.ToString("D3", CultureInfo.InvariantCulture), 1)).ToList();
        var source = await CreateOnceAsync(entries).ConfigureAwait(false);
        await using var watch = Watch(source);

        await watch.ReadInitialStateAsync().ConfigureAwait(false);

        AssertState(entries, watch.State, "the initial state");
    }

    /// <summary>An empty registry still gets an initial-state signal, or a consumer would wait for it forever.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task WatchAsync_EmptyRegistry_SignalsAnEmptyInitialState()
    {
        var source = await CreateOnceAsync([]).ConfigureAwait(false);
        await using var watch = Watch(source);

        await watch.ReadInitialStateAsync().ConfigureAwait(false);

        Assert.True(watch.State.Count == 0, $"The initial state of an empty registry holds {ConformanceEntries.Describe(watch.State.Keys)}.");
    }

    /// <summary>While the initial state is delivered, nothing the registry holds is removed.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task WatchAsync_BeforeInitialStateComplete_RemovesNothing()
    {
        var entries = Enumerable.Range(0, InitialEntryCount).Select(i => CreateEntry("keep-" + i.ToString("D3", CultureInfo.InvariantCulture), 1)).ToList();
        var source = await CreateOnceAsync(entries).ConfigureAwait(false);
        await using var watch = Watch(source);

        await watch.ReadInitialStateAsync().ConfigureAwait(false);

        Assert.True(
            watch.RemovalsBeforeInitialState.Count == 0,
            $"Before signalling its initial state complete the source removed {ConformanceEntries.Describe(watch.RemovalsBeforeInitialState)}, which the registry holds.");
    }

    /// <summary>A service added after the initial state is delivered.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task WatchAsync_AddAfterInitialState_DeliversTheEntry()
    {
        var existing = CreateEntry("existing", 1);
        var added = CreateEntry("added", 1);
        var source = await CreateOnceAsync([existing]).ConfigureAwait(false);
        await using var watch = Watch(source);
        await watch.ReadInitialStateAsync().ConfigureAwait(false);

        await AddOrUpdateAsync(added, TestContext.Current.CancellationToken).ConfigureAwait(false);
        await watch.ReadUntilAsync(() => Holds(watch, added), $"'{added.Key}' to be added").ConfigureAwait(false);

        AssertState([existing, added], watch.State, "the state after an addition");
    }

    /// <summary>A service changed after the initial state is delivered with its new content.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task WatchAsync_UpdateAfterInitialState_DeliversTheNewContent()
    {
        var before = CreateEntry("changing", 1);
        var after = CreateEntry("changing", 2);
        var source = await CreateOnceAsync([before]).ConfigureAwait(false);
        await using var watch = Watch(source);
        await watch.ReadInitialStateAsync().ConfigureAwait(false);

        await AddOrUpdateAsync(after, TestContext.Current.CancellationToken).ConfigureAwait(false);
        await watch.ReadUntilAsync(() => Holds(watch, after), $"'{after.Key}' to be updated").ConfigureAwait(false);

        AssertState([after], watch.State, "the state after an update");
    }

    /// <summary>A service removed after the initial state is delivered as a removal.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task WatchAsync_RemoveAfterInitialState_DeliversTheRemoval()
    {
        var kept = CreateEntry("kept", 1);
        var removed = CreateEntry("removed", 1);
        var source = await CreateOnceAsync([kept, removed]).ConfigureAwait(false);
        await using var watch = Watch(source);
        await watch.ReadInitialStateAsync().ConfigureAwait(false);

        await RemoveAsync(removed.Key, TestContext.Current.CancellationToken).ConfigureAwait(false);
        await watch.ReadUntilAsync(() => !watch.State.ContainsKey(removed.Key), $"'{removed.Key}' to be removed").ConfigureAwait(false);

        AssertState([kept], watch.State, "the state after a removal");
    }

    /// <summary>
    /// Changes arrive in the order they were made: a source may coalesce a key's changes into its latest state, but
    /// never delivers an older state of a key after a newer one, and ends at the registry's state.
    /// </summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task WatchAsync_SequenceOfChanges_DeliversThemInOrder()
    {
        var ct = TestContext.Current.CancellationToken;
        var source = await CreateOnceAsync([]).ConfigureAwait(false);
        await using var watch = Watch(source);
        await watch.ReadInitialStateAsync().ConfigureAwait(false);

        // Each key's writes, in order; null is a removal. The first pass waits for each change to arrive, the second
        // writes in a burst that the source may coalesce; a marker written last flushes anything delivered late.
        var written = new Dictionary<ServiceKey, List<CatalogEntry?>>();
        var lockstep = new (string Name, int Generation)[]
        {
            ("alpha", 1), ("alpha", 2), ("beta", 1), ("alpha", 0), ("gamma", 1), ("alpha", 3), ("beta", 2), ("gamma", 0),
        };
        var burst = new (string Name, int Generation)[] { ("beta", 3), ("alpha", 4), ("beta", 0), ("gamma", 2), ("beta", 4), ("alpha", 5) };
        var steps = lockstep.Concat(burst).ToArray();
        for (var i = 0; i < steps.Length; i++)
        {
            var (name, generation) = steps[i];
            var key = new ServiceKey(name);
            CatalogEntry? entry = generation == 0 ? null : CreateEntry(name, generation);
            if (entry is null)
            {
                await RemoveAsync(key, ct).ConfigureAwait(false);
            }
            else
            {
                await AddOrUpdateAsync(entry, ct).ConfigureAwait(false);
            }

            if (!written.TryGetValue(key, out var history))
            {
                written[key] = history = [];
            }

            history.Add(entry);
            if (i < lockstep.Length && entry is not null)
            {
                await watch.ReadUntilAsync(() => Holds(watch, entry), $"generation {generation} of '{key}'").ConfigureAwait(false);
            }
            else if (i < lockstep.Length)
            {
                await watch.ReadUntilAsync(() => !watch.State.ContainsKey(key), $"the removal of '{key}'").ConfigureAwait(false);
            }
        }

        var marker = CreateEntry("marker", 1);
        await AddOrUpdateAsync(marker, ct).ConfigureAwait(false);
        await watch.ReadUntilAsync(() => Holds(watch, marker), $"'{marker.Key}', written after the last change").ConfigureAwait(false);
        var expected = written.Values.Select(h => h[^1]).OfType<CatalogEntry>().Append(marker).ToList();
        AssertState(expected, watch.State, "the state after the last change");

        foreach (var (key, history) in written)
        {
            var observed = watch.Changes.Where(c => c.Key == key).Select(c => c.Value).ToList();
            Assert.True(
                IsOrderedSubsequence(observed, history),
                $"Key '{key}' was written as [{DescribeHistory(history)}] but delivered as [{DescribeHistory(observed)}]: a later state came before an earlier one, or a state that was never written appeared.");
        }
    }

    /// <summary>Writing a service again with the same content delivers no different content and no removal.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task WatchAsync_SameContentWrittenAgain_ChangesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var entry = CreateEntry("steady", 1);
        var marker = CreateEntry("marker", 1);
        var source = await CreateOnceAsync([entry]).ConfigureAwait(false);
        await using var watch = Watch(source);
        await watch.ReadInitialStateAsync().ConfigureAwait(false);

        await AddOrUpdateAsync(entry, ct).ConfigureAwait(false);
        await AddOrUpdateAsync(marker, ct).ConfigureAwait(false);   // written after: once it arrives, the rewrite has too
        await watch.ReadUntilAsync(() => Holds(watch, marker), $"'{marker.Key}' to be added").ConfigureAwait(false);

        foreach (var change in watch.Changes.Where(c => c.Key == entry.Key))
        {
            Assert.True(
                change.Value is not null && AreEquivalent(entry, change.Value),
                change.Value is null
                    ? $"Rewriting '{entry.Key}' with the same content delivered a removal."
                    : $"Rewriting '{entry.Key}' with the same content delivered different content: {change.Value}.");
        }

        AssertState([entry, marker], watch.State, "the state after rewriting the same content");
    }

    /// <summary>Each watch starts from scratch: a second watch's initial state is the registry's current state.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task WatchAsync_SecondWatch_StartsFromTheCurrentState()
    {
        var ct = TestContext.Current.CancellationToken;
        var removed = CreateEntry("removed", 1);
        var updated = CreateEntry("updated", 1);
        var updatedLater = CreateEntry("updated", 2);
        var added = CreateEntry("added", 1);
        var source = await CreateOnceAsync([removed, updated]).ConfigureAwait(false);
        await using (var first = Watch(source))
        {
            await first.ReadInitialStateAsync().ConfigureAwait(false);
            await RemoveAsync(removed.Key, ct).ConfigureAwait(false);
            await AddOrUpdateAsync(updatedLater, ct).ConfigureAwait(false);
            await AddOrUpdateAsync(added, ct).ConfigureAwait(false);
            await first.ReadUntilAsync(() => StateMatches([updatedLater, added], first.State), "the changes before the second watch").ConfigureAwait(false);
        }

        await using var second = Watch(source);
        await second.ReadInitialStateAsync().ConfigureAwait(false);

        AssertState([updatedLater, added], second.State, "the initial state of a second watch");
    }

    /// <summary>Cancelling the token of a watch that waits for changes ends the stream.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task WatchAsync_CancelledWhileWaitingForChanges_Ends()
    {
        var source = await CreateOnceAsync([CreateEntry("idle", 1)]).ConfigureAwait(false);
        await using var watch = Watch(source);
        await watch.ReadInitialStateAsync().ConfigureAwait(false);

        await watch.CancelAndExpectEndAsync().ConfigureAwait(false);
    }

    /// <summary>A watch whose token is cancelled before it is read ends instead of running.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Fact]
    public virtual async Task WatchAsync_TokenCancelledBeforeTheFirstRead_Ends()
    {
        var source = await CreateOnceAsync([CreateEntry("idle", 1)]).ConfigureAwait(false);
        await using var watch = Watch(source);

        await watch.CancelAndExpectEndAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Creates the registry holding exactly <paramref name="entries"/>, and the source under test over it. Called
    /// once per test, before the hooks that change the registry.
    /// </summary>
    /// <param name="entries">The services the registry holds, from <see cref="CreateEntry"/>.</param>
    /// <param name="cancellationToken">The test's token.</param>
    /// <returns>The source.</returns>
    protected abstract Task<TSource> CreateSourceAsync(IReadOnlyList<CatalogEntry> entries, CancellationToken cancellationToken);

    /// <summary>Adds <paramref name="entry"/> to the registry, or replaces the service with its key; returns once the registry holds it.</summary>
    /// <param name="entry">The service, from <see cref="CreateEntry"/>.</param>
    /// <param name="cancellationToken">The test's token.</param>
    /// <returns>A task that completes when the registry holds the service.</returns>
    protected abstract Task AddOrUpdateAsync(CatalogEntry entry, CancellationToken cancellationToken);

    /// <summary>Removes the service with <paramref name="key"/> from the registry; returns once it is gone.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">The test's token.</param>
    /// <returns>A task that completes when the registry no longer holds the service.</returns>
    protected abstract Task RemoveAsync(ServiceKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Creates the service the tests write: each <paramref name="generation"/> differs in content. Override it when the
    /// registry cannot hold some field of the default (an FQDN, a label, an endpoint, a port); the source must
    /// deliver the entry back as <see cref="AreEquivalent"/> defines.
    /// </summary>
    /// <param name="name">The service name, a DNS-1123 label; also its key.</param>
    /// <param name="generation">1 or more; different generations have different content.</param>
    /// <returns>The entry.</returns>
    protected virtual CatalogEntry CreateEntry(string name, int generation) => ConformanceEntries.Create(name, generation, CatalogOrigin.Local);

    /// <summary>
    /// Decides whether the source delivered <paramref name="written"/> faithfully as <paramref name="delivered"/>.
    /// The default is exact equality; override it when the registry adds or drops fields on the way.
    /// </summary>
    /// <param name="written">The entry the test wrote to the registry.</param>
    /// <param name="delivered">The entry the source delivered.</param>
    /// <returns><see langword="true"/> when they describe the same service state.</returns>
    protected virtual bool AreEquivalent(CatalogEntry written, CatalogEntry delivered)
    {
        ArgumentNullException.ThrowIfNull(written);
        return written.Equals(delivered);
    }

    private static string DescribeHistory(IEnumerable<CatalogEntry?> history) =>
        string.Join(", ", history.Select(e => e is null ? "removed"
            : e.Labels.TryGetValue("generation", out var generation) ? "generation " + generation
            : "content " + e.ContentHash.ToString("x16", CultureInfo.InvariantCulture)));

    private async Task<TSource> CreateOnceAsync(IReadOnlyList<CatalogEntry> entries)
    {
        Assert.False(_created, "The suite creates one source per test.");
        _created = true;
        var source = await CreateSourceAsync(entries, TestContext.Current.CancellationToken).ConfigureAwait(false);
        Assert.NotNull(source);
        return source;
    }

    private SourceWatch Watch(TSource source) => new(source, UpdateTimeout, TestContext.Current.CancellationToken);

    private bool Holds(SourceWatch watch, CatalogEntry entry) =>
        watch.State.TryGetValue(entry.Key, out var held) && AreEquivalent(entry, held);

    private bool StateMatches(List<CatalogEntry> expected, IReadOnlyDictionary<ServiceKey, CatalogEntry> state) =>
        state.Count == expected.Count && expected.All(e => state.TryGetValue(e.Key, out var held) && AreEquivalent(e, held));

    private void AssertState(IReadOnlyCollection<CatalogEntry> expected, IReadOnlyDictionary<ServiceKey, CatalogEntry> state, string what)
    {
        Assert.True(
            state.Keys.ToHashSet().SetEquals(expected.Select(e => e.Key)),
            $"Expected {what} to hold {ConformanceEntries.Describe(expected.Select(e => e.Key))}, but it holds {ConformanceEntries.Describe(state.Keys)}.");
        foreach (var entry in expected)
        {
            Assert.True(AreEquivalent(entry, state[entry.Key]), $"In {what}, '{entry.Key}' was delivered as {state[entry.Key]}, not as written: {entry}.");
        }
    }

    // Each observed state must be one that was written, in the order written (repeats of one state are allowed).
    private bool IsOrderedSubsequence(List<CatalogEntry?> observed, List<CatalogEntry?> written)
    {
        var position = 0;
        foreach (var state in observed)
        {
            var found = false;
            for (var i = Math.Max(0, position - 1); i < written.Count; i++)
            {
                if (Same(written[i], state))
                {
                    position = i + 1;
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                return false;
            }
        }

        return true;

        bool Same(CatalogEntry? a, CatalogEntry? b) => a is null ? b is null : b is not null && AreEquivalent(a, b);
    }
}
