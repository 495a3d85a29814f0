using CsCheck;
using MeshInterop.Catalog.Import;
using MeshInterop.Catalog.Naming;
using MeshInterop.Catalog.Resync;
using MeshInterop.Catalog.Tests.Generators;
using MeshInterop.Catalog.Tests.Import;
using Microsoft.Extensions.Time.Testing;

namespace MeshInterop.Catalog.Tests.Resync;

public sealed class ImportSessionsTests : IDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(5);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly ImportView _view;
    private readonly ImportSessions _sessions;
    private readonly List<ImportViewChanges> _published = [];

    public ImportSessionsTests()
    {
        _view = new ImportView(ImportNamingPolicy.Default, ImportCollisionPolicy.EarliestWins, _time);
        _sessions = Sessions(ttl: null);
    }

    public void Dispose() => _sessions.Dispose();

    private ImportSessions Sessions(TimeSpan? ttl) =>
        new(_view, new ImportSessionOptions { SnapshotGracePeriod = Grace, DisconnectedTtl = ttl }, _time, _published.Add);

    private static CatalogEntry Entry(string key, string address = "192.0.2.1") => ImportGen.Make(key, key, address: address);

    private string[] Keys(string peer) => [.. _view.GetPeerKeys(peer).Select(k => k.Name)];

    private static void Connect(ImportSessions sessions, string peer, long? announced, params string[] keys)
    {
        sessions.BeginResync(peer, announced);
        foreach (var key in keys)
            sessions.Upsert(peer, Entry(key));
    }

    [Fact]
    public void AnnouncedCount_Reached_SweepsExactlyTheUnseen()
    {
        Connect(_sessions, "a", null, "x", "y", "z");
        _time.Advance(Grace);
        _sessions.Disconnected("a");

        Connect(_sessions, "a", 2, "x", "z");

        Assert.Equal(["x", "z"], Keys("a"));
        Assert.Equal(ImportSessionState.Synced, _sessions.GetState("a"));
        Assert.Equal([new ServiceKey("a-y")], _published[^1].Removed);
    }

    [Fact]
    public void AnnouncedCount_Zero_SweepsEverythingAtOnce()
    {
        Connect(_sessions, "a", 1, "x");

        _sessions.BeginResync("a", 0);

        Assert.Empty(Keys("a"));
        Assert.Equal(ImportSessionState.Synced, _sessions.GetState("a"));
    }

    [Fact]
    public void AnnouncedCount_StreamEndsBeforeCount_NoSweep()
    {
        Connect(_sessions, "a", 3, "x", "y", "z");

        Connect(_sessions, "a", 3, "x");
        _sessions.Disconnected("a");
        _time.Advance(TimeSpan.FromDays(1));

        Assert.Equal(["x", "y", "z"], Keys("a"));
        Assert.Equal(ImportSessionState.Disconnected, _sessions.GetState("a"));
    }

    [Fact]
    public void AnnouncedCount_NoGraceTimerRuns()
    {
        Connect(_sessions, "a", 2, "x", "y");
        Connect(_sessions, "a", 2, "x");

        _time.Advance(TimeSpan.FromDays(1));

        Assert.Equal(["x", "y"], Keys("a"));
        Assert.Equal(ImportSessionState.Resyncing, _sessions.GetState("a"));
    }

    [Fact]
    public void GracePeriod_ElapsesWithoutNews_Sweeps()
    {
        Connect(_sessions, "a", 2, "x", "y");
        Connect(_sessions, "a", null, "x");

        _time.Advance(Grace - TimeSpan.FromSeconds(1));
        Assert.Equal(["x", "y"], Keys("a"));
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(["x"], Keys("a"));
        Assert.Equal(ImportSessionState.Synced, _sessions.GetState("a"));
    }

    [Fact]
    public void GracePeriod_NewsRestartsIt()
    {
        Connect(_sessions, "a", 2, "x", "y");
        Connect(_sessions, "a", null, "x");

        _time.Advance(Grace - TimeSpan.FromSeconds(1));
        _sessions.Upsert("a", Entry("z"));
        _time.Advance(Grace - TimeSpan.FromSeconds(1));
        Assert.Equal(["x", "y", "z"], Keys("a"));
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(["x", "z"], Keys("a"));
    }

    [Fact]
    public void GracePeriod_StreamEndsFirst_NoSweep()
    {
        Connect(_sessions, "a", 2, "x", "y");
        Connect(_sessions, "a", null, "x");

        _sessions.Disconnected("a");
        _time.Advance(Grace * 2);

        Assert.Equal(["x", "y"], Keys("a"));
    }

    [Fact]
    public void MarkAsserted_NackedSnapshotItem_KeepsPreviousVersion()
    {
        Connect(_sessions, "a", 2, "x", "y");

        _sessions.BeginResync("a", 2);
        _sessions.Upsert("a", Entry("x"));
        _sessions.MarkAsserted("a", new ServiceKey("y"));

        Assert.Equal(["x", "y"], Keys("a"));
        Assert.Equal(ImportSessionState.Synced, _sessions.GetState("a"));
    }

    [Fact]
    public void Delete_DuringResync_RemovesAndStaysRemoved()
    {
        Connect(_sessions, "a", 2, "x", "y");
        _sessions.BeginResync("a", 2);
        _sessions.Upsert("a", Entry("x"));

        _sessions.Delete("a", new ServiceKey("x"));
        _sessions.Upsert("a", Entry("y"));
        _sessions.Upsert("a", Entry("w"));

        Assert.Equal(["w", "y"], Keys("a"));
    }

    [Fact]
    public void Resync_OtherPeersAreUntouched()
    {
        Connect(_sessions, "b", 1, "keep");
        Connect(_sessions, "a", 1, "x");

        Connect(_sessions, "a", 0);

        Assert.Equal(["keep"], Keys("b"));
    }

    [Fact]
    public void DisconnectedTtl_Elapses_PurgesPeer()
    {
        using var sessions = Sessions(ttl: TimeSpan.FromHours(1));
        Connect(sessions, "a", 1, "x");
        sessions.Disconnected("a");

        _time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(["x"], Keys("a"));
        _time.Advance(TimeSpan.FromMinutes(1));

        Assert.Empty(Keys("a"));
        Assert.Equal(ImportSessionState.None, sessions.GetState("a"));
        Assert.Equal([new ServiceKey("a-x")], _published[^1].Removed);
    }

    [Fact]
    public void DisconnectedTtl_ReconnectCancelsExpiry()
    {
        using var sessions = Sessions(ttl: TimeSpan.FromHours(1));
        Connect(sessions, "a", 1, "x");
        sessions.Disconnected("a");
        _time.Advance(TimeSpan.FromMinutes(30));

        sessions.BeginResync("a", 1);
        _time.Advance(TimeSpan.FromHours(2));

        Assert.Equal(["x"], Keys("a"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    public void DisconnectedTtl_NullOrZero_KeepsForever(int? minutes)
    {
        using var sessions = Sessions(ttl: minutes is null ? null : TimeSpan.FromMinutes(minutes.Value));
        Connect(sessions, "a", 1, "x");
        sessions.Disconnected("a");

        _time.Advance(TimeSpan.FromDays(365));

        Assert.Equal(["x"], Keys("a"));
    }

    [Fact]
    public void RemovePeer_PurgesImportsAndStopsTimers()
    {
        using var sessions = Sessions(ttl: TimeSpan.FromHours(1));
        Connect(sessions, "a", null, "x");

        sessions.RemovePeer("a");
        var published = _published.Count;
        _time.Advance(TimeSpan.FromDays(1));

        Assert.Empty(Keys("a"));
        Assert.Equal(ImportSessionState.None, sessions.GetState("a"));
        Assert.Equal(published, _published.Count);
    }

    [Fact]
    public void Upsert_PeerAtImportLimit_RefusesNewKeysButUpdatesExisting()
    {
        var view = new ImportView(ImportNamingPolicy.Default, ImportCollisionPolicy.EarliestWins, _time);
        using var sessions = new ImportSessions(view, new ImportSessionOptions { MaxImportsPerPeer = 2 }, _time, _ => { });
        sessions.BeginResync("a");

        Assert.True(sessions.Upsert("a", Entry("x")));
        Assert.True(sessions.Upsert("a", Entry("y")));
        Assert.False(sessions.Upsert("a", Entry("z")));
        Assert.True(sessions.Upsert("a", Entry("x", address: "192.0.2.9")));
        sessions.BeginResync("b");
        Assert.True(sessions.Upsert("b", Entry("z")));

        Assert.Equal(["x", "y"], view.GetPeerKeys("a").Select(k => k.Name));
    }

    [Fact]
    public void Upsert_WithoutOpenStream_ThrowsNamingPeer()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => _sessions.Upsert("a", Entry("x")));

        Assert.Contains("'a'", ex.Message, StringComparison.Ordinal);
        _sessions.BeginResync("a");
        _sessions.Disconnected("a");
        Assert.Throws<InvalidOperationException>(() => _sessions.Delete("a", new ServiceKey("x")));
    }

    [Fact]
    public void Constructor_InvalidOptions_ListsEveryProblem()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ImportSessions(_view,
            new ImportSessionOptions { SnapshotGracePeriod = TimeSpan.Zero, DisconnectedTtl = TimeSpan.FromSeconds(-1), MaxImportsPerPeer = 0 }, _time, _ => { }));

        Assert.Equal("options", ex.ParamName);
        Assert.Contains("MaxImportsPerPeer", ex.Message, StringComparison.Ordinal);
        Assert.Contains("SnapshotGracePeriod", ex.Message, StringComparison.Ordinal);
        Assert.Contains("DisconnectedTtl", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Publish_ReceivesEveryChangeInOrder_ReplayEqualsView()
    {
        var replayed = new Dictionary<ServiceKey, CatalogEntry>();
        foreach (var changes in _published)
            Apply(replayed, changes);
        Connect(_sessions, "a", null, "x", "y");
        _sessions.Delete("a", new ServiceKey("x"));
        _time.Advance(Grace);
        Connect(_sessions, "a", 0);

        foreach (var changes in _published)
            Apply(replayed, changes);

        Assert.Empty(replayed);
        Assert.Equal(0, _view.Count);
    }

    [Fact]
    public void ApplyTo_StoreImportsPartition_MirrorsTheView()
    {
        var store = new CatalogStore();

        // FQDNs derived from local names, so both peers' 'x' are projected (the owners' FQDNs would collide).
        var naming = new ImportNamingPolicy(new ImportNamingOptions { FqdnTemplate = "{local}.mesh.test" });
        var view = new ImportView(naming, ImportCollisionPolicy.EarliestWins, _time);
        using var sessions = new ImportSessions(view, new ImportSessionOptions { SnapshotGracePeriod = Grace }, _time, changes => changes.ApplyTo(store.Imports));
        Connect(sessions, "a", 3, "x", "y", "z");
        Connect(sessions, "b", null, "x");

        Connect(sessions, "a", 2, "x", "z");
        _time.Advance(Grace);

        Assert.Equal(view.GetEntries(), store.Imports.Current.OrderBy(e => e.Key));
        Assert.Equal(["a-x", "a-z", "b-x"], store.Imports.Current.Keys.Order().Select(k => k.Name));
    }

    [Fact]
    public void PublishThrowsDuringTimerSweep_FailureKeptAndProcessSurvives()
    {
        var failing = false;
        var view = new ImportView(ImportNamingPolicy.Default, ImportCollisionPolicy.EarliestWins, _time);
        using var sessions = new ImportSessions(view, new ImportSessionOptions { SnapshotGracePeriod = Grace }, _time, _ =>
        {
            if (failing)
                throw new InvalidOperationException("store unavailable");
        });
        Connect(sessions, "a", 2, "x", "y");
        Connect(sessions, "a", null, "x");
        failing = true;

        _time.Advance(Grace);

        Assert.Equal("store unavailable", sessions.PublishFailure?.Message);
        Assert.Equal(["x"], view.GetPeerKeys("a").Select(k => k.Name));
    }

    [Fact]
    public void Metrics_ResyncsSweepsExpiriesAndGauges_AreRecordedWithPeerAndUnit()
    {
        using var meters = new RecordingMeterFactory();
        var view = new ImportView(ImportNamingPolicy.Default, ImportCollisionPolicy.EarliestWins, _time);
        using var sessions = new ImportSessions(view,
            new ImportSessionOptions { SnapshotGracePeriod = Grace, DisconnectedTtl = TimeSpan.FromHours(1) }, _time, _ => { }, meters);
        Connect(sessions, "a", 3, "x", "y", "z");
        Connect(sessions, "a", null, "x");
        sessions.BeginResync("a");                 // the unfinished resync is abandoned
        sessions.Upsert("a", Entry("x"));
        _time.Advance(Grace);                      // grace period: y and z are swept
        Assert.Equal(1L, meters.Measurements("meshinterop.catalog.import.services")[^1].Value);
        sessions.Disconnected("a");
        _time.Advance(TimeSpan.FromHours(1));      // expiry: x is purged

        var resyncs = meters.Measurements("meshinterop.catalog.import.resyncs");
        Assert.Equal(["announced", "abandoned", "grace_period"], resyncs.Select(m => (string)m.Tags[ImportTelemetry.OutcomeTag]!));
        Assert.All(resyncs, m => Assert.Equal(("{resync}", "a"), (m.Unit, (string)m.Tags[ImportTelemetry.PeerTag]!)));
        var swept = Assert.Single(meters.Measurements("meshinterop.catalog.import.swept"));
        Assert.Equal((2L, "{service}"), (swept.Value, swept.Unit));
        Assert.Equal(1L, Assert.Single(meters.Measurements("meshinterop.catalog.import.expired")).Value);
        Assert.Equal(0L, meters.Measurements("meshinterop.catalog.import.services")[^1].Value);
        Assert.Equal(0L, meters.Measurements("meshinterop.catalog.import.conflicts")[^1].Value);
    }

    private static void Apply(Dictionary<ServiceKey, CatalogEntry> target, ImportViewChanges changes)
    {
        foreach (var key in changes.Removed)
            target.Remove(key);
        foreach (var entry in changes.Upserted)
            target[entry.Key] = entry;
    }

    // Owner-side operations for the model-based property below.
    private enum Step { OwnerUpsert, OwnerDelete, Deliver, Disconnect, Reconnect, Wait }

    private static readonly Gen<(Step Step, CatalogEntry Entry, int Count, bool Announce)> StepGen =
        Gen.Select(Gen.Frequency((4, Gen.Const(Step.OwnerUpsert)), (2, Gen.Const(Step.OwnerDelete)), (4, Gen.Const(Step.Deliver)),
                                 (1, Gen.Const(Step.Disconnect)), (1, Gen.Const(Step.Reconnect)), (1, Gen.Const(Step.Wait))),
                   ImportGen.Entry(ImportGen.Key), Gen.Int[1, 4], Gen.Bool);

    /// <summary>
    /// The owner keeps its catalog and, per stream, a queue of messages: the snapshot taken when the stream opens
    /// (announced or not), then its changes. Messages are delivered in order, a few at a time; streams break at any
    /// point; time passes. After every step the consumer's imports equal a plain model of the rules (sweep only when
    /// a resync completes, never after a broken stream; expiry after the TTL); after a final full resync they equal
    /// the owner's catalog; the other peer's imports are untouched throughout.
    /// </summary>
    [Fact]
    public void Sweep_AfterAnyInterleaving_LeavesExactlyOwnersState() =>
        PropertyRun.Check(Gen.Select(StepGen.Array[0, 60], Gen.Bool, Gen.Bool), input =>
        {
            var (steps, finalAnnounce, withTtl) = input;
            var ttl = TimeSpan.FromHours(1);
            var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
            var view = new ImportView(ImportNamingPolicy.Default, ImportCollisionPolicy.EarliestWins, time);
            var projection = new Dictionary<ServiceKey, CatalogEntry>();
            using var sessions = new ImportSessions(view,
                new ImportSessionOptions { SnapshotGracePeriod = Grace, DisconnectedTtl = withTtl ? ttl : null },
                time, changes => Apply(projection, changes));
            var owner = new SortedDictionary<ServiceKey, CatalogEntry>();
            Queue<(CatalogEntry? Upsert, ServiceKey Key)>? stream = null;
            var model = new ConsumerModel();

            sessions.BeginResync("bystander", 1);
            sessions.Upsert("bystander", Entry("keep"));

            void Open(bool announce)
            {
                if (stream is not null)
                    Disconnect();
                stream = new Queue<(CatalogEntry?, ServiceKey)>(owner.Values.Select(e => ((CatalogEntry?)e, e.Key)));
                sessions.BeginResync("alpha", announce ? owner.Count : null);
                model.Open(announce ? owner.Count : null, time.GetUtcNow());
            }

            void Disconnect()
            {
                sessions.Disconnected("alpha");
                model.Disconnect(withTtl ? time.GetUtcNow() : null);
                stream = null;
            }

            void DeliverOne()
            {
                var (upsert, key) = stream!.Dequeue();
                if (upsert is null)
                    sessions.Delete("alpha", key);
                else
                    sessions.Upsert("alpha", upsert);
                model.Receive(upsert, key, time.GetUtcNow());
            }

            foreach (var (step, entry, count, announce) in steps)
            {
                switch (step)
                {
                    case Step.OwnerUpsert:
                        owner[entry.Key] = entry;
                        stream?.Enqueue((entry, entry.Key));
                        break;
                    case Step.OwnerDelete:
                        if (owner.Remove(entry.Key))
                            stream?.Enqueue((null, entry.Key));
                        break;
                    case Step.Deliver:
                        for (var i = 0; i < count && stream is { Count: > 0 }; i++)
                            DeliverOne();
                        break;
                    case Step.Disconnect:
                        if (stream is not null)
                            Disconnect();
                        break;
                    case Step.Reconnect:
                        Open(announce);
                        break;
                    default:
                        time.Advance(TimeSpan.FromMinutes(count * 2));
                        model.Elapse(time.GetUtcNow(), Grace, ttl);
                        break;
                }

                Assert.Equal(model.Imports.Keys.Order(), view.GetPeerKeys("alpha"));
                foreach (var (key, expected) in model.Imports)
                    Assert.True(view.TryGetImport("alpha", key, out var actual, out _) && expected.Equals(actual), $"import '{key}' differs from the model");
                Assert.Equal(["keep"], view.GetPeerKeys("bystander").Select(k => k.Name));
            }

            // Final reconnect: the whole snapshot, then completion by count or by the grace period.
            Open(finalAnnounce);
            while (stream!.Count > 0)
                DeliverOne();
            if (!finalAnnounce)
                time.Advance(Grace);

            Assert.Equal(ImportSessionState.Synced, sessions.GetState("alpha"));
            Assert.Equal(owner.Keys, view.GetPeerKeys("alpha"));
            foreach (var (key, expected) in owner)
            {
                Assert.True(view.TryGetImport("alpha", key, out var actual, out _));
                Assert.Equal(expected, actual);
            }

            // What was published, replayed, is the view.
            Assert.Equal(view.GetEntries(), projection.Values.OrderBy(e => e.Key));
        });

    /// <summary>The resync rules stated plainly, without timers or the view, for the property above.</summary>
    private sealed class ConsumerModel
    {
        private HashSet<ServiceKey>? _asserted;
        private long? _announced;
        private long _received;
        private DateTimeOffset _lastNews;
        private DateTimeOffset? _disconnectedAt;

        internal Dictionary<ServiceKey, CatalogEntry> Imports { get; } = [];

        internal void Open(long? announced, DateTimeOffset now)
        {
            (_asserted, _announced, _received, _lastNews, _disconnectedAt) = ([], announced, 0, now, null);
            if (announced == 0)
                Sweep();
        }

        internal void Receive(CatalogEntry? upsert, ServiceKey key, DateTimeOffset now)
        {
            if (upsert is null)
            {
                Imports.Remove(key);
                _asserted?.Remove(key);
            }
            else
            {
                Imports[key] = upsert;
                _asserted?.Add(key);
                if (_asserted is not null)
                    _received++;
            }

            if (_asserted is null)
                return;
            if (_announced is null)
                _lastNews = now;
            else if (upsert is not null && _received >= _announced)
                Sweep();
        }

        internal void Disconnect(DateTimeOffset? now) => (_asserted, _disconnectedAt) = (null, now);

        internal void Elapse(DateTimeOffset now, TimeSpan grace, TimeSpan ttl)
        {
            if (_asserted is not null && _announced is null && now - _lastNews >= grace)
                Sweep();
            if (_disconnectedAt is { } at && now - at >= ttl)
            {
                Imports.Clear();
                _disconnectedAt = null;
            }
        }

        private void Sweep()
        {
            foreach (var key in Imports.Keys.Where(k => !_asserted!.Contains(k)).ToArray())
                Imports.Remove(key);
            _asserted = null;
        }
    }
}
