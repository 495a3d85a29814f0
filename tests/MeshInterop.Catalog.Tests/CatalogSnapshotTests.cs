using MeshInterop.Catalog.Diff;

namespace MeshInterop.Catalog.Tests;

public sealed class CatalogSnapshotTests
{
    internal static CatalogEntry Entry(string key, string description = "") =>
        new() { Key = new ServiceKey(key), Name = key, Fqdn = key + ".mesh.example", Description = description };

    [Fact]
    public void Create_EntriesInAnyOrder_EnumeratesInOrdinalKeyOrder()
    {
        var snapshot = CatalogSnapshot.Create([Entry("b"), Entry("B"), Entry("a")]);

        Assert.Equal(["B", "a", "b"], snapshot.Select(e => e.Key.Name));
        Assert.Equal(0, snapshot.Revision);
        Assert.NotEqual(Guid.Empty, snapshot.LineageId);
    }

    [Fact]
    public void Create_DuplicateKey_ThrowsNamingKey()
    {
        var ex = Assert.Throws<ArgumentException>(() => CatalogSnapshot.Create([Entry("a"), Entry("a", "x")]));

        Assert.Equal("entries", ex.ParamName);
        Assert.Contains("'a'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Update_Changes_AdvancesRevisionByOneAndKeepsOriginal()
    {
        var original = CatalogSnapshot.Create([Entry("a")]);

        var next = original.Update([Entry("b"), Entry("a", "changed")], [new ServiceKey("zzz")]);

        Assert.Equal(1, next.Revision);
        Assert.Equal(original.LineageId, next.LineageId);
        Assert.Equal(2, next.Count);
        Assert.True(next.TryGetValue(new ServiceKey("a"), out var a));
        Assert.Equal("changed", a.Description);
        Assert.Single(original);
        Assert.True(original.TryGetValue(new ServiceKey("a"), out var oldA));
        Assert.Equal(string.Empty, oldA.Description);
    }

    [Fact]
    public void Update_EqualContentOrAbsentRemoval_ReturnsSameSnapshot()
    {
        var snapshot = CatalogSnapshot.Create([Entry("a")]);

        Assert.Same(snapshot, snapshot.Update([Entry("a")], [new ServiceKey("b")]));
        Assert.Same(snapshot, snapshot.SetItem(Entry("a")));
        Assert.Same(snapshot, snapshot.Remove(new ServiceKey("b")));
    }

    [Fact]
    public void Update_EqualContent_KeepsExistingInstance()
    {
        var a = Entry("a");
        var snapshot = CatalogSnapshot.Create([a]).Update([Entry("a"), Entry("b")], []);

        Assert.True(snapshot.TryGetValue(new ServiceKey("a"), out var kept));
        Assert.Same(a, kept);
    }

    [Fact]
    public void Update_SameKeyUpsertedThenRemoved_RemovalWins()
    {
        var snapshot = CatalogSnapshot.Create([Entry("a")]).Update([Entry("a", "x")], [new ServiceKey("a")]);

        Assert.Empty(snapshot);
        Assert.Equal([CatalogChangeKind.Removed], CatalogDiffer.Diff(CatalogSnapshot.Create([Entry("a")]), snapshot).Select(c => c.Kind));
    }

    [Fact]
    public void ReplaceAll_DesiredState_AddsUpdatesAndRemoves()
    {
        var snapshot = CatalogSnapshot.Create([Entry("a"), Entry("b"), Entry("c")]);

        var next = snapshot.ReplaceAll([Entry("d"), Entry("b", "changed"), Entry("a")]);

        Assert.Equal(["a", "b", "d"], next.Select(e => e.Key.Name));
        Assert.Equal(1, next.Revision);
        Assert.Same(snapshot, snapshot.ReplaceAll([Entry("c"), Entry("a"), Entry("b")]));
    }

    [Fact]
    public void Update_NullEntry_ThrowsWithParamName()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => CatalogSnapshot.Empty.Update([null!], []));

        Assert.Equal("upserts", ex.ParamName);
    }

    [Fact]
    public void Find_PresentAndAbsentKeys()
    {
        var snapshot = CatalogSnapshot.Create([Entry("a")]);

        Assert.Equal("a", snapshot.Find(new ServiceKey("a"))?.Name);
        Assert.Null(snapshot.Find(new ServiceKey("b")));
        Assert.Equal([new ServiceKey("a")], snapshot.Keys);
    }
}
