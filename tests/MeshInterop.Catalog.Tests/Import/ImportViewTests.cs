using CsCheck;
using MeshInterop.Catalog.Import;
using MeshInterop.Catalog.Naming;
using MeshInterop.Catalog.Tests.Generators;
using Microsoft.Extensions.Time.Testing;

namespace MeshInterop.Catalog.Tests.Import;

public sealed class ImportViewTests
{
    // "{name}" alone makes the same service name from two peers collide, which is what collision tests need.
    private static readonly ImportNamingPolicy SharedNames = new(new ImportNamingOptions { Style = ImportNameStyle.Template, NameTemplate = "{name}" });

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    private ImportView View(ImportCollisionPolicy policy = ImportCollisionPolicy.EarliestWins, ImportNamingPolicy? naming = null) =>
        new(naming ?? ImportNamingPolicy.Default, policy, _time);

    private static CatalogEntry Entry(string name, int port = 8080, string address = "192.0.2.1", string? fqdn = null) =>
        ImportGen.Make(name, name, port, address, fqdn);

    [Fact]
    public void Upsert_NewImport_ProjectsUnderLocalNameWithOrigin()
    {
        var view = View();

        var changes = view.Upsert("nsxsm", Entry("httpbin", fqdn: "httpbin.nsxsm.example"));

        var projected = Assert.Single(changes.Upserted);
        Assert.Equal(new ServiceKey("nsxsm-httpbin"), projected.Key);
        Assert.Equal("nsxsm-httpbin", projected.Name);
        Assert.Equal("httpbin.nsxsm.example", projected.Fqdn);
        Assert.Equal(CatalogOrigin.FromPeer("nsxsm", new ServiceKey("httpbin")), projected.Origin);
        Assert.Empty(changes.Removed);
        Assert.Empty(view.GetConflicts());
        Assert.Equal(1, view.Count);
    }

    [Fact]
    public void Upsert_SameContentAgain_ReportsNothing()
    {
        var view = View();
        view.Upsert("a", Entry("web"));

        Assert.True(view.Upsert("a", Entry("web")).IsEmpty);
    }

    [Fact]
    public void Upsert_ChangedContent_ReportsUpdate()
    {
        var view = View();
        view.Upsert("a", Entry("web"));

        var changes = view.Upsert("a", Entry("web", address: "192.0.2.9"));

        Assert.Equal("192.0.2.9", Assert.Single(Assert.Single(changes.Upserted).Endpoints).Address);
    }

    [Fact]
    public void Upsert_NameChanges_MovesToNewLocalName()
    {
        var view = View();
        view.Upsert("a", ImportGen.Make("key1", "old"));

        var changes = view.Upsert("a", ImportGen.Make("key1", "new"));

        Assert.Equal(new ServiceKey("a-new"), Assert.Single(changes.Upserted).Key);
        Assert.Equal([new ServiceKey("a-old")], changes.Removed);
    }

    [Fact]
    public void Remove_ProjectedImport_ReportsRemovalAndUnknownKeyChangesNothing()
    {
        var view = View();
        view.Upsert("a", Entry("web"));

        Assert.Equal([new ServiceKey("a-web")], view.Remove("a", new ServiceKey("web")).Removed);
        Assert.True(view.Remove("a", new ServiceKey("web")).IsEmpty);
        Assert.True(view.Remove("nobody", new ServiceKey("x")).IsEmpty);
        Assert.Equal(0, view.Count);
    }

    [Fact]
    public void SameNameFromTwoPeers_DefaultPrefixNaming_NoCollision()
    {
        var view = View();

        view.Upsert("a", Entry("web", fqdn: "web.a.example"));
        view.Upsert("b", Entry("web", fqdn: "web.b.example"));

        Assert.Equal(["a-web", "b-web"], view.GetEntries().Select(e => e.Key.Name));
        Assert.Empty(view.GetConflicts());
    }

    [Fact]
    public void LocalService_AlwaysWinsOverImport()
    {
        var view = View();
        view.Upsert("a", Entry("web"));

        var shadowed = view.SetLocalName("a-web", isLocal: true);

        Assert.Equal([new ServiceKey("a-web")], shadowed.Removed);
        var conflict = Assert.Single(shadowed.ConflictsRaised);
        Assert.Equal(ImportConflictReason.LocalService, conflict.Reason);
        Assert.Equal(new ServiceKey("a-web"), conflict.LocalKey);

        var released = view.SetLocalNames([]);

        Assert.Equal(new ServiceKey("a-web"), Assert.Single(released.Upserted).Key);
        Assert.Equal(conflict, Assert.Single(released.ConflictsCleared));
    }

    [Fact]
    public void SetLocalName_ReleasingANameNoLocalServiceOwns_ChangesNothing()
    {
        var view = View();
        view.Upsert("a", Entry("web"));

        Assert.True(view.SetLocalName("a-web", isLocal: false).IsEmpty);
        Assert.True(view.SetLocalName("unknown", isLocal: false).IsEmpty);
        Assert.Equal(["a-web"], view.GetEntries().Select(e => e.Key.Name));
    }

    [Fact]
    public void LocalService_ImportArrivingLater_IsNeverProjected()
    {
        var view = View(naming: SharedNames);
        view.SetLocalNames(["web"]);

        var changes = view.Upsert("a", Entry("web"));

        Assert.Empty(changes.Upserted);
        Assert.Equal(ImportConflictReason.LocalService, Assert.Single(changes.ConflictsRaised).Reason);
    }

    [Fact]
    public void EarliestWins_LaterPeerIsConflictedAndPromotedWhenWinnerLeaves()
    {
        var view = View(naming: SharedNames);
        view.Upsert("zeta", Entry("web", address: "192.0.2.1"));
        _time.Advance(TimeSpan.FromSeconds(1));

        var late = view.Upsert("alpha", Entry("web", address: "192.0.2.2"));

        Assert.Empty(late.Upserted);
        var conflict = Assert.Single(late.ConflictsRaised);
        Assert.Equal(("alpha", ImportConflictReason.EarlierImport), (conflict.Peer, conflict.Reason));
        Assert.Contains("'zeta'", conflict.Detail, StringComparison.Ordinal);

        var promoted = view.Remove("zeta", new ServiceKey("web"));

        var entry = Assert.Single(promoted.Upserted);
        Assert.Equal("alpha", entry.Origin.PeerName);
        Assert.Equal(conflict, Assert.Single(promoted.ConflictsCleared));
        Assert.Empty(view.GetConflicts());
    }

    [Fact]
    public void EarliestWins_ResendByWinner_KeepsItsFirstSeen()
    {
        var view = View(naming: SharedNames);
        view.Upsert("zeta", Entry("web"));
        _time.Advance(TimeSpan.FromMinutes(1));
        view.Upsert("alpha", Entry("web"));
        _time.Advance(TimeSpan.FromMinutes(1));

        // A reconnect replays the snapshot: the winner re-sends, with new content even; it keeps its age.
        view.Upsert("zeta", Entry("web", address: "192.0.2.7"));

        Assert.Equal("zeta", Assert.Single(view.GetEntries()).Origin.PeerName);
    }

    [Fact]
    public void EarliestWins_SameFirstSeen_LowerPeerNameWinsWhateverTheOrder()
    {
        var first = View(naming: SharedNames);
        first.Upsert("beta", Entry("web"));
        first.Upsert("alpha", Entry("web"));
        var second = View(naming: SharedNames);
        second.Upsert("alpha", Entry("web"));
        second.Upsert("beta", Entry("web"));

        Assert.Equal("alpha", Assert.Single(first.GetEntries()).Origin.PeerName);
        Assert.Equal(first.GetEntries(), second.GetEntries());
        Assert.Equal(first.GetConflicts(), second.GetConflicts());
    }

    [Fact]
    public void RestoreFirstSeen_AfterRestart_EarliestImportStillWins()
    {
        var beforeRestart = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromHours(1));
        var view = View(naming: SharedNames);
        view.RestoreFirstSeen("zeta", new ServiceKey("web"), beforeRestart);

        // After the restart "alpha" happens to reconnect first, but "zeta" held the name before.
        view.Upsert("alpha", Entry("web"));
        _time.Advance(TimeSpan.FromSeconds(5));
        var changes = view.Upsert("zeta", Entry("web"));

        Assert.Equal("zeta", Assert.Single(changes.Upserted).Origin.PeerName);
        Assert.Equal("alpha", Assert.Single(changes.ConflictsRaised).Peer);
        Assert.True(view.TryGetImport("zeta", new ServiceKey("web"), out _, out var firstSeen));
        Assert.Equal(beforeRestart, firstSeen);
    }

    [Fact]
    public void RestoreFirstSeen_ExistingLaterImport_LowersItsAge()
    {
        var view = View(naming: SharedNames);
        view.Upsert("alpha", Entry("web"));
        _time.Advance(TimeSpan.FromSeconds(1));
        view.Upsert("zeta", Entry("web"));

        var changes = view.RestoreFirstSeen("zeta", new ServiceKey("web"), _time.GetUtcNow().AddDays(-1));

        Assert.Equal("zeta", Assert.Single(changes.Upserted).Origin.PeerName);
    }

    [Fact]
    public void RejectAll_TwoClaims_NeitherProjectedUntilOneLeaves()
    {
        var view = View(ImportCollisionPolicy.RejectAll, SharedNames);
        view.Upsert("a", Entry("web"));

        var contested = view.Upsert("b", Entry("web"));

        Assert.Equal([new ServiceKey("web")], contested.Removed);
        Assert.All(view.GetConflicts(), c => Assert.Equal(ImportConflictReason.Ambiguous, c.Reason));
        Assert.Equal(2, view.GetConflicts().Count);

        var settled = view.Remove("a", new ServiceKey("web"));

        Assert.Equal("b", Assert.Single(settled.Upserted).Origin.PeerName);
        Assert.Empty(view.GetConflicts());
    }

    [Fact]
    public void AggregateWhenCompatible_PortsAgree_UnionOfEndpoints()
    {
        var view = View(ImportCollisionPolicy.AggregateWhenCompatible, SharedNames);
        view.Upsert("a", Entry("web", address: "192.0.2.1"));
        _time.Advance(TimeSpan.FromSeconds(1));

        var changes = view.Upsert("b", Entry("web", address: "192.0.2.2"));

        var merged = Assert.Single(changes.Upserted);
        Assert.Equal(["192.0.2.1", "192.0.2.2"], merged.Endpoints.Select(e => e.Address));
        Assert.Equal("a", merged.Origin.PeerName);
        Assert.Equal(ImportConflictReason.Aggregated, Assert.Single(changes.ConflictsRaised).Reason);

        var shrunk = view.Remove("b", new ServiceKey("web"));

        Assert.Equal(["192.0.2.1"], Assert.Single(shrunk.Upserted).Endpoints.Select(e => e.Address));
    }

    [Fact]
    public void AggregateWhenCompatible_PortsDiffer_LaterImportConflicted()
    {
        var view = View(ImportCollisionPolicy.AggregateWhenCompatible, SharedNames);
        view.Upsert("a", Entry("web", port: 8080, address: "192.0.2.1"));
        _time.Advance(TimeSpan.FromSeconds(1));

        var changes = view.Upsert("b", Entry("web", port: 9090, address: "192.0.2.2"));

        Assert.Empty(changes.Upserted);
        Assert.Equal(ImportConflictReason.IncompatiblePorts, Assert.Single(changes.ConflictsRaised).Reason);
        Assert.Equal(["192.0.2.1"], Assert.Single(view.GetEntries()).Endpoints.Select(e => e.Address));
    }

    [Fact]
    public void AggregateWhenCompatible_LaterImportChangesPorts_BecomesConflictInPlace()
    {
        var view = View(ImportCollisionPolicy.AggregateWhenCompatible, SharedNames);
        view.Upsert("a", Entry("web", address: "192.0.2.1"));
        _time.Advance(TimeSpan.FromSeconds(1));
        view.Upsert("b", Entry("web", address: "192.0.2.2"));

        var changes = view.Upsert("b", Entry("web", port: 9090, address: "192.0.2.2"));

        Assert.Equal(["192.0.2.1"], Assert.Single(changes.Upserted).Endpoints.Select(e => e.Address));
        Assert.Equal(ImportConflictReason.Aggregated, Assert.Single(changes.ConflictsCleared).Reason);
        Assert.Equal(ImportConflictReason.IncompatiblePorts, Assert.Single(changes.ConflictsRaised).Reason);
    }

    [Fact]
    public void Upsert_WinnerChangesContent_StaysWinnerAndReportsOnlyItsUpdate()
    {
        var view = View(naming: SharedNames);
        view.Upsert("a", Entry("web"));
        _time.Advance(TimeSpan.FromSeconds(1));
        view.Upsert("b", Entry("web"));

        var changes = view.Upsert("a", Entry("web", fqdn: "web.a.example"));

        Assert.Equal("web.a.example", Assert.Single(changes.Upserted).Fqdn);
        Assert.Empty(changes.ConflictsRaised);
        Assert.Empty(changes.ConflictsCleared);
    }

    [Fact]
    public void SameFqdnUnderDifferentLocalNames_EarlierHoldsIt_LaterPromotedWhenItLeaves()
    {
        var view = View();
        view.Upsert("zeta", Entry("httpbin", fqdn: "httpbin.default.svc.cluster.local"));
        _time.Advance(TimeSpan.FromSeconds(1));

        var late = view.Upsert("alpha", Entry("httpbin", fqdn: "HTTPBIN.default.svc.cluster.local"));

        Assert.Empty(late.Upserted);
        var conflict = Assert.Single(late.ConflictsRaised);
        Assert.Equal((ImportConflictReason.FqdnTaken, new ServiceKey("alpha-httpbin")), (conflict.Reason, conflict.LocalKey));
        Assert.Contains("'zeta-httpbin'", conflict.Detail, StringComparison.Ordinal);

        var promoted = view.Remove("zeta", new ServiceKey("httpbin"));

        Assert.Equal(new ServiceKey("alpha-httpbin"), Assert.Single(promoted.Upserted).Key);
        Assert.Equal([new ServiceKey("zeta-httpbin")], promoted.Removed);
        Assert.Empty(view.GetConflicts());
    }

    [Fact]
    public void SameFqdnAndSameLocalName_AggregatedNotBlocked()
    {
        var view = View(ImportCollisionPolicy.AggregateWhenCompatible, SharedNames);
        view.Upsert("a", Entry("web", address: "192.0.2.1", fqdn: "web.default.svc.cluster.local"));
        _time.Advance(TimeSpan.FromSeconds(1));

        var changes = view.Upsert("b", Entry("web", address: "192.0.2.2", fqdn: "web.default.svc.cluster.local"));

        Assert.Equal(2, Assert.Single(changes.Upserted).Endpoints.Length);
        Assert.Equal(ImportConflictReason.Aggregated, Assert.Single(changes.ConflictsRaised).Reason);
    }

    [Fact]
    public void TwoKeysOfOnePeer_SameLocalName_IsReportedAsConflict()
    {
        var view = View();
        view.Upsert("a", ImportGen.Make("k1", "Web"));

        var changes = view.Upsert("a", ImportGen.Make("k2", "web"));

        var conflict = Assert.Single(changes.ConflictsRaised);
        Assert.Equal((new ServiceKey("k2"), new ServiceKey("a-web")), (conflict.RemoteKey, conflict.LocalKey));
    }

    [Fact]
    public void Upsert_FqdnTemplateCannotApply_InvalidNameConflict()
    {
        var view = View(naming: new ImportNamingPolicy(new ImportNamingOptions { FqdnTemplate = "{fqdn}.global" }));

        var changes = view.Upsert("a", Entry("web", fqdn: ""));

        Assert.Empty(changes.Upserted);
        var conflict = Assert.Single(changes.ConflictsRaised);
        Assert.Equal(ImportConflictReason.InvalidName, conflict.Reason);
        Assert.True(view.TryGetImport("a", new ServiceKey("web"), out _, out _));

        var fixedUp = view.Upsert("a", Entry("web", fqdn: "web.a.example"));

        Assert.Equal("web.a.example.global", Assert.Single(fixedUp.Upserted).Fqdn);
        Assert.Empty(view.GetConflicts());
    }

    [Fact]
    public void Upsert_NoFqdn_StoredButNotProjectedAndHoldsNoName()
    {
        var view = View(naming: SharedNames);

        var changes = view.Upsert("a", Entry("web", fqdn: ""));

        Assert.Empty(changes.Upserted);
        var conflict = Assert.Single(changes.ConflictsRaised);
        Assert.Equal((ImportConflictReason.MissingFqdn, new ServiceKey("web")), (conflict.Reason, conflict.LocalKey));
        Assert.True(view.TryGetImport("a", new ServiceKey("web"), out _, out _));
        Assert.Equal(0, view.Count);

        // It holds no name: a later import of the same name with an FQDN is projected, not an EarlierImport loser.
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("b", Assert.Single(view.Upsert("b", Entry("web")).Upserted).Origin.PeerName);

        var fixedUp = view.Upsert("a", Entry("web", fqdn: "web.a.example"));

        Assert.Equal("a", Assert.Single(fixedUp.Upserted).Origin.PeerName);
        Assert.Equal(ImportConflictReason.MissingFqdn, Assert.Single(fixedUp.ConflictsCleared, c => c.Peer == "a").Reason);
        Assert.Equal(ImportConflictReason.EarlierImport, Assert.Single(fixedUp.ConflictsRaised).Reason);
    }

    [Fact]
    public void Upsert_NoOwnerFqdnButTemplateWithoutIt_IsProjected()
    {
        var view = View(naming: new ImportNamingPolicy(new ImportNamingOptions { FqdnTemplate = "{local}.mesh.test" }));

        var projected = Assert.Single(view.Upsert("a", Entry("web", fqdn: "")).Upserted);

        Assert.Equal("a-web.mesh.test", projected.Fqdn);
    }

    [Fact]
    public void SetLocalFqdn_ImportWithThatFqdn_NeverProjectedUntilReleased()
    {
        var view = View();
        view.Upsert("a", Entry("httpbin", fqdn: "httpbin.default.svc.cluster.local"));

        var shadowed = view.SetLocalFqdn("HTTPBIN.default.svc.cluster.local", isLocal: true);

        Assert.Equal([new ServiceKey("a-httpbin")], shadowed.Removed);
        var conflict = Assert.Single(shadowed.ConflictsRaised);
        Assert.Equal((ImportConflictReason.LocalService, new ServiceKey("a-httpbin")), (conflict.Reason, conflict.LocalKey));
        Assert.Contains("httpbin.default.svc.cluster.local", conflict.Detail, StringComparison.Ordinal);

        // A later import claiming the local FQDN is reported too, whatever its name.
        var later = view.Upsert("b", Entry("other", fqdn: "httpbin.default.svc.cluster.local"));
        Assert.Empty(later.Upserted);
        Assert.Equal(ImportConflictReason.LocalService, Assert.Single(later.ConflictsRaised).Reason);

        var released = view.SetLocalFqdns([]);

        Assert.Equal(new ServiceKey("a-httpbin"), Assert.Single(released.Upserted).Key);
        Assert.Equal(2, released.ConflictsCleared.Length);
        Assert.Equal(ImportConflictReason.FqdnTaken, Assert.Single(view.GetConflicts()).Reason);
    }

    [Fact]
    public void SetLocalFqdns_ContestedName_LocalFqdnExcludesOnlyItsClaimant()
    {
        var view = View(naming: SharedNames);
        view.Upsert("a", Entry("web", fqdn: "web.local.example"));
        _time.Advance(TimeSpan.FromSeconds(1));
        view.Upsert("b", Entry("web", fqdn: "web.b.example"));

        var changes = view.SetLocalFqdns(["web.local.example"]);

        Assert.Equal("b", Assert.Single(changes.Upserted).Origin.PeerName);
        Assert.Equal(ImportConflictReason.LocalService, Assert.Single(view.GetConflicts()).Reason);
        Assert.Equal("fqdns", Assert.Throws<ArgumentException>(() => view.SetLocalFqdns([""])).ParamName);
    }

    [Fact]
    public void AggregateWhenCompatible_Merged_OriginNamesEveryPeerAndLoopGuardKeepsItFromThem()
    {
        var view = View(ImportCollisionPolicy.AggregateWhenCompatible, SharedNames);
        view.Upsert("a", Entry("web", address: "192.0.2.1"));
        _time.Advance(TimeSpan.FromSeconds(1));
        view.Upsert("b", Entry("web", address: "192.0.2.2"));

        var merged = Assert.Single(view.GetEntries());

        Assert.Equal(("a", new ServiceKey("web")), (merged.Origin.PeerName, merged.Origin.RemoteKey));
        Assert.Equal(["b"], merged.Origin.MergedPeers);
        var transitive = new MeshInterop.Catalog.Export.ExportPolicyOptions { TransitiveExport = true };
        transitive.Allow.Add(new MeshInterop.Catalog.Export.ExportRule { Names = { "*" } });
        Assert.False(MeshInterop.Catalog.Export.ExportFilter.Create("b", transitive).Allows(merged));
        Assert.False(MeshInterop.Catalog.Export.ExportFilter.Create("a", transitive).Allows(merged));
        Assert.True(MeshInterop.Catalog.Export.ExportFilter.Create("c", transitive).Allows(merged));

        // When nothing is merged any more, the origin is the winner's alone.
        Assert.Empty(Assert.Single(view.Remove("b", new ServiceKey("web")).Upserted).Origin.MergedPeers);
    }

    [Fact]
    public void Upserted_ReadConcurrently_BuiltOnceAsTheViewProjectsIt()
    {
        var view = View();
        var changes = view.UpsertRange("a", Enumerable.Range(0, 50).Select(i => Entry("svc" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))));

        Assert.False(changes.IsEmpty);
        var reads = Enumerable.Range(0, 4).AsParallel().Select(_ => changes.Upserted).ToArray();

        Assert.All(reads, r => Assert.Same(ImmutableCollectionsMarshalArray(reads[0]), ImmutableCollectionsMarshalArray(r)));
        Assert.Equal(view.GetEntries(), reads[0].OrderBy(e => e.Key));
    }

    [Fact]
    public void Logger_ConflictRaisedChangedAndCleared_LogsEachOnceWithEventIds()
    {
        var logger = new Microsoft.Extensions.Logging.Testing.FakeLogger<ImportView>();
        var view = new ImportView(SharedNames, ImportCollisionPolicy.AggregateWhenCompatible, _time, logger);
        view.Upsert("a", Entry("web", address: "192.0.2.1"));
        _time.Advance(TimeSpan.FromSeconds(1));

        view.Upsert("b", Entry("web", address: "192.0.2.2"));                 // merged: 1003
        view.Upsert("b", Entry("web", port: 9090, address: "192.0.2.2"));     // now incompatible: 1001 only
        view.Remove("b", new ServiceKey("web"));                               // cleared: 1002

        var records = logger.Collector.GetSnapshot();
        Assert.Equal([1003, 1001, 1002], records.Select(r => r.Id.Id));
        Assert.Equal(["ImportAggregated", "ImportConflict", "ImportConflictCleared"], records.Select(r => r.Id.Name));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, records[1].Level);
        Assert.Contains("IncompatiblePorts", records[1].Message, StringComparison.Ordinal);
        Assert.Equal("logger", Assert.Throws<ArgumentNullException>(() => new ImportView(SharedNames, ImportCollisionPolicy.EarliestWins, _time, null!)).ParamName);
    }

    private static CatalogEntry[] ImmutableCollectionsMarshalArray(System.Collections.Immutable.ImmutableArray<CatalogEntry> array) =>
        System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsArray(array)!;

    [Fact]
    public void RemovePeer_PromotesOtherPeersAndForgetsItsImports()
    {
        var view = View(naming: SharedNames);
        view.UpsertRange("a", [Entry("web"), Entry("api")]);
        _time.Advance(TimeSpan.FromSeconds(1));
        view.Upsert("b", Entry("web"));

        var changes = view.RemovePeer("a");

        Assert.Equal([new ServiceKey("api")], changes.Removed);
        Assert.Equal("b", Assert.Single(changes.Upserted).Origin.PeerName);
        Assert.Empty(view.GetPeerKeys("a"));
        Assert.Empty(view.GetConflicts());
    }

    [Fact]
    public void UpsertRange_InvalidEntry_AppliesNothing()
    {
        var view = View();

        Assert.Throws<ArgumentException>(() => view.UpsertRange("a", [Entry("web"), new CatalogEntry { Key = default }]));
        Assert.Equal(0, view.Count);
    }

    [Fact]
    public async Task Upsert_ConcurrentWriters_SameResultAsSequential()
    {
        var ct = TestContext.Current.CancellationToken;
        string[] peers = ["p0", "p1", "p2", "p3"];
        var concurrent = View(naming: SharedNames);
        var sequential = View(naming: SharedNames);

        await Task.WhenAll(peers.Select(peer => Task.Run(() =>
        {
            for (var i = 0; i < 300; i++)
            {
                concurrent.Upsert(peer, Entry("svc" + (i % 50).ToString(System.Globalization.CultureInfo.InvariantCulture), address: "192.0.2." + (i % 7 + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)));
                if (i % 11 == 0)
                    concurrent.Remove(peer, new ServiceKey("svc" + (i % 13).ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }, ct)));
        foreach (var peer in peers)
        {
            foreach (var key in concurrent.GetPeerKeys(peer))
            {
                Assert.True(concurrent.TryGetImport(peer, key, out var entry, out _));
                sequential.Upsert(peer, entry);
            }
        }

        Assert.Equal(sequential.GetEntries(), concurrent.GetEntries());
        Assert.Equal(sequential.GetConflicts(), concurrent.GetConflicts());
    }

    [Fact]
    public void Constructor_BadArguments_ThrowWithParamName()
    {
        Assert.Equal("naming", Assert.Throws<ArgumentNullException>(() => new ImportView(null!, ImportCollisionPolicy.EarliestWins, _time)).ParamName);
        Assert.Equal("collisions", Assert.Throws<ArgumentOutOfRangeException>(() => new ImportView(ImportNamingPolicy.Default, (ImportCollisionPolicy)7, _time)).ParamName);
    }

    private static readonly ImportNamingPolicy CollisionProneNaming =
        new(new ImportNamingOptions { Style = ImportNameStyle.Template, NameTemplate = "{name}" },
            new Dictionary<string, ImportNamingOptions> { ["gamma"] = new() });

    private static readonly Gen<(int Op, string Peer, CatalogEntry Entry, int Minutes)> Operation =
        Gen.Select(Gen.Int[0, 9], ImportGen.Peer, ImportGen.Entry(ImportGen.Key), Gen.Int[0, 3]);

    [Fact]
    public void Operations_AnyOrder_SameViewAsBuildingFinalStateAtOnce() =>
        PropertyRun.Check(Gen.Select(Operation.Array[1, 40], Gen.Enum<ImportCollisionPolicy>(), Gen.Int[0, 3], Gen.Int), input =>
        {
            var (operations, policy, localCount, shuffleSeed) = input;
            var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
            var incremental = new ImportView(CollisionProneNaming, policy, time);
            var replayed = new Dictionary<ServiceKey, CatalogEntry>();
            var finalState = new Dictionary<(string, ServiceKey), CatalogEntry>();
            var firstSeen = new Dictionary<(string, ServiceKey), DateTimeOffset>();
            var locals = Enumerable.Range(0, localCount).Select(i => "web" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

            void Replay(ImportViewChanges changes)
            {
                foreach (var key in changes.Removed)
                    Assert.True(replayed.Remove(key));
                foreach (var entry in changes.Upserted)
                    replayed[entry.Key] = entry;
            }

            Replay(incremental.SetLocalNames(locals));
            foreach (var (op, peer, entry, minutes) in operations)
            {
                time.Advance(TimeSpan.FromMinutes(minutes));
                var id = (peer, entry.Key);
                if (op < 7)
                {
                    Replay(incremental.Upsert(peer, entry));
                    finalState[id] = entry;
                    firstSeen.TryAdd(id, time.GetUtcNow());
                }
                else
                {
                    Replay(incremental.Remove(peer, entry.Key));
                    finalState.Remove(id);
                    firstSeen.Remove(id);
                }
            }

            // The change sets are exact: replaying them gives the view.
            Assert.Equal(incremental.GetEntries(), replayed.Values.OrderBy(e => e.Key));

            // A view fed the final state in another order (locals last), with the same first-seen times, is identical.
            var rebuilt = new ImportView(CollisionProneNaming, policy, time);
            var random = new Random(shuffleSeed);
            foreach (var ((peer, key), entry) in finalState.OrderBy(_ => random.Next()))
            {
                rebuilt.RestoreFirstSeen(peer, key, firstSeen[(peer, key)]);
                rebuilt.Upsert(peer, entry);
            }

            rebuilt.SetLocalNames(locals);
            Assert.Equal(incremental.GetEntries(), rebuilt.GetEntries());
            Assert.Equal(incremental.GetConflicts(), rebuilt.GetConflicts());
        });

    [Fact]
    public void Operations_Any_EveryImportIsProjectedOrReported() =>
        PropertyRun.Check(Gen.Select(Operation.Array[1, 40], Gen.Enum<ImportCollisionPolicy>()), input =>
        {
            var (operations, policy) = input;
            var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
            var view = new ImportView(CollisionProneNaming, policy, time);
            view.SetLocalNames(["web0"]);
            foreach (var (op, peer, entry, minutes) in operations)
            {
                time.Advance(TimeSpan.FromMinutes(minutes));
                if (op < 7)
                    view.Upsert(peer, entry);
                else
                    view.Remove(peer, entry.Key);
            }

            var entries = view.GetEntries();
            var projected = entries.ToDictionary(e => (e.Origin.PeerName!, e.Origin.RemoteKey));

            // No two local names share an FQDN.
            var fqdns = entries.Where(e => e.Fqdn.Length > 0).Select(e => e.Fqdn).ToList();
            Assert.Equal(fqdns.Count, fqdns.Distinct(StringComparer.OrdinalIgnoreCase).Count());
            var conflicts = view.GetConflicts().ToDictionary(c => (c.Peer, c.RemoteKey));
            var byLocalName = new Dictionary<string, List<(string, ServiceKey)>>(StringComparer.Ordinal);
            foreach (var peer in ImportGen.Peers)
            {
                foreach (var key in view.GetPeerKeys(peer))
                {
                    Assert.True(view.TryGetImport(peer, key, out var entry, out _));
                    var local = CollisionProneNaming.Resolve(peer, entry.Name, null).LocalName;
                    if (!byLocalName.TryGetValue(local, out var claims))
                        byLocalName[local] = claims = [];
                    claims.Add((peer, key));

                    // Exactly one of: projected as itself, or reported.
                    Assert.True(projected.ContainsKey((peer, key)) ^ conflicts.ContainsKey((peer, key)), $"{peer}/{key} is neither projected nor reported, or both");
                }
            }

            // A name that several imports map to: at most one is projected, every other one is reported.
            foreach (var (local, claims) in byLocalName.Where(p => p.Value.Count > 1))
            {
                Assert.True(claims.Count(projected.ContainsKey) <= 1);
                Assert.True(claims.Count(conflicts.ContainsKey) >= claims.Count - 1, $"'{local}' is claimed by {claims.Count} imports but not all losers are reported");
            }
        });
}
