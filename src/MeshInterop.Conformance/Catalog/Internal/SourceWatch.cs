using MeshInterop.Catalog;
using Xunit;

namespace MeshInterop.Conformance.Catalog.Internal;

/// <summary>
/// One <see cref="ICatalogSource.WatchAsync"/> stream, read the way a consumer reads it: the initial state is
/// collected until the source signals it complete, later updates are applied to the state, and every change a key
/// goes through after the initial state is recorded so that a test can check the order.
/// </summary>
internal sealed class SourceWatch : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly IAsyncEnumerator<CatalogSourceUpdate> _updates;
    private readonly TimeSpan _timeout;
    private readonly CancellationToken _testToken;
    private readonly Dictionary<ServiceKey, CatalogEntry> _initial = [];
    private readonly Dictionary<ServiceKey, CatalogEntry> _state = [];
    private readonly List<KeyValuePair<ServiceKey, CatalogEntry?>> _changes = [];
    private readonly List<ServiceKey> _removalsBeforeInitialState = [];
    private Task<bool>? _pendingMove;

    public SourceWatch(ICatalogSource source, TimeSpan timeout, CancellationToken testToken)
    {
        _timeout = timeout;
        _testToken = testToken;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(testToken);
        _updates = source.WatchAsync(_stop.Token).GetAsyncEnumerator(_stop.Token);
    }

    /// <summary>Gets a value indicating whether the source has signalled its initial state complete.</summary>
    public bool InitialStateComplete { get; private set; }

    /// <summary>Gets the state a consumer holds: empty until the initial state is complete.</summary>
    public IReadOnlyDictionary<ServiceKey, CatalogEntry> State => _state;

    /// <summary>Gets every change after the initial state, in the order received (a <see langword="null"/> entry is a removal).</summary>
    public IReadOnlyList<KeyValuePair<ServiceKey, CatalogEntry?>> Changes => _changes;

    /// <summary>Gets the keys removed by updates that came before the initial state was complete.</summary>
    public IReadOnlyList<ServiceKey> RemovalsBeforeInitialState => _removalsBeforeInitialState;

    /// <summary>Gets how many updates have been read.</summary>
    public int UpdateCount { get; private set; }

    /// <summary>Reads until the initial state is complete.</summary>
    public Task ReadInitialStateAsync() => ReadUntilAsync(() => InitialStateComplete, "the initial state to complete");

    /// <summary>Reads updates until <paramref name="condition"/> holds.</summary>
    /// <param name="condition">Checked before each read.</param>
    /// <param name="expectation">What the test waits for, for the failure message.</param>
    public async Task ReadUntilAsync(Func<bool> condition, string expectation)
    {
        while (!condition())
        {
            await ReadAsync(expectation).ConfigureAwait(false);
        }
    }

    /// <summary>Cancels the watch and checks that the stream then ends, by returning or with an <see cref="OperationCanceledException"/>.</summary>
    public async Task CancelAndExpectEndAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        var drain = DrainAsync();
        try
        {
            await drain.WaitAsync(_timeout, _testToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"The watch did not end within {_timeout} of its token being cancelled; WatchAsync must stop when cancelled.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_pendingMove is not null)
        {
            try
            {
                await _pendingMove.WaitAsync(_timeout, CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The source ignores cancellation (a test has failed on it already); disposing now would throw.
                _stop.Dispose();
                return;
            }
            catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException)
            {
                // The stream ended under cancellation, which is what disposal asked for.
            }
        }

        try
        {
            await _updates.DisposeAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ending under cancellation is allowed.
        }

        _stop.Dispose();
    }

    private async Task DrainAsync()
    {
        try
        {
            while (await MoveAsync().ConfigureAwait(false))
            {
                // Updates the source had ready when it was cancelled may still arrive; the stream must end after them.
            }
        }
        catch (OperationCanceledException) when (!_testToken.IsCancellationRequested)
        {
            // Ending with OperationCanceledException is how an async iterator honours its token.
        }
    }

    private async Task<bool> MoveAsync()
    {
        _pendingMove ??= _updates.MoveNextAsync().AsTask();
        try
        {
            return await _pendingMove.ConfigureAwait(false);
        }
        finally
        {
            _pendingMove = null;
        }
    }

    private async Task ReadAsync(string expectation)
    {
        _pendingMove ??= _updates.MoveNextAsync().AsTask();
        bool moved;
        try
        {
            moved = await _pendingMove.WaitAsync(_timeout, _testToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                $"The source sent no update for {_timeout} while the test waited for {expectation} (after {UpdateCount} updates).");
        }

        _pendingMove = null;
        Assert.True(moved, $"The source's stream ended while the test waited for {expectation}; a watch must run until it is cancelled.");
        Apply(_updates.Current);
    }

    private void Apply(CatalogSourceUpdate update)
    {
        Assert.NotNull(update);
        UpdateCount++;
        CheckShape(update);
        if (!InitialStateComplete)
        {
            if (update.IsFullState)
            {
                _initial.Clear();
            }

            foreach (var entry in update.Upserts)
            {
                _initial[entry.Key] = entry;
            }

            foreach (var key in update.Removals)
            {
                _removalsBeforeInitialState.Add(key);
                _initial.Remove(key);
            }

            if (update.CompletesInitialState)
            {
                InitialStateComplete = true;
                foreach (var pair in _initial)
                {
                    _state.Add(pair.Key, pair.Value);
                }
            }

            return;
        }

        if (update.IsFullState)
        {
            // A later full state replaces everything: what it lacks is removed.
            var keep = update.Upserts.Select(e => e.Key).ToHashSet();
            foreach (var key in _state.Keys.Where(k => !keep.Contains(k)).ToList())
            {
                Record(key, null);
            }
        }

        foreach (var entry in update.Upserts)
        {
            Record(entry.Key, entry);
        }

        foreach (var key in update.Removals)
        {
            Record(key, null);
        }
    }

    private void Record(ServiceKey key, CatalogEntry? entry)
    {
        if (entry is null)
        {
            _state.Remove(key);
        }
        else
        {
            _state[key] = entry;
        }

        _changes.Add(new(key, entry));
    }

    private void CheckShape(CatalogSourceUpdate update)
    {
        var seen = new HashSet<ServiceKey>();
        foreach (var entry in update.Upserts)
        {
            Assert.False(entry.Key.IsEmpty, $"Update {UpdateCount} ({update}) carries an entry with an empty key.");
            Assert.True(seen.Add(entry.Key), $"Update {UpdateCount} ({update}) carries key '{entry.Key}' more than once.");
        }

        foreach (var key in update.Removals)
        {
            Assert.True(seen.Add(key), $"Update {UpdateCount} ({update}) both changes and removes key '{key}', or removes it twice.");
        }
    }
}
