using MeshInterop.Catalog.Diff;
using static MeshInterop.Catalog.Tests.CatalogSnapshotTests;

namespace MeshInterop.Catalog.Tests.Diff;

public sealed class CatalogDifferTests
{
    private static ServiceKey K(string key) => new(key);

    [Fact]
    public void Diff_SameLineage_ReturnsNetChangesInKeyOrder()
    {
        var start = CatalogSnapshot.Create([Entry("a"), Entry("b"), Entry("c")]);
        var end = start
            .Update([Entry("d")], [K("a")])
            .Update([Entry("b", "v2")], [])
            .Update([Entry("e")], [K("e")])              // added and removed again: no net change
            .Update([Entry("c", "v2")], [])
            .Update([Entry("c")], []);                    // changed and changed back: no net change

        var diff = CatalogDiffer.Diff(start, end);

        Assert.Equal(["a", "b", "d"], diff.Select(c => c.Key.Name));
        Assert.Equal([CatalogChangeKind.Removed, CatalogChangeKind.Updated, CatalogChangeKind.Added], diff.Select(c => c.Kind));
        Assert.Equal(string.Empty, diff[1].Old!.Description);
        Assert.Equal("v2", diff[1].New!.Description);
    }

    [Fact]
    public void Diff_Backwards_IsInverseOfForwards()
    {
        var start = CatalogSnapshot.Create([Entry("a")]);
        var end = start.Update([Entry("b"), Entry("a", "v2")], []);

        var backwards = CatalogDiffer.Diff(end, start);

        Assert.Equal(CatalogDiffer.Diff(start, end).Inverse().Changes, backwards.Changes);
        Assert.Equal(start.ToArray(), CatalogDiffer.Apply(end, backwards).ToArray());
    }

    [Fact]
    public void Diff_UnrelatedSnapshots_ComparesContent()
    {
        var left = CatalogSnapshot.Create([Entry("a"), Entry("b"), Entry("c")]);
        var right = CatalogSnapshot.Create([Entry("b"), Entry("c", "v2"), Entry("d")]);

        var diff = CatalogDiffer.Diff(left, right);

        Assert.Equal(["a", "c", "d"], diff.Select(c => c.Key.Name));
        Assert.Equal([CatalogChangeKind.Removed, CatalogChangeKind.Updated, CatalogChangeKind.Added], diff.Select(c => c.Kind));
    }

    [Fact]
    public void Diff_SiblingBranchesOfOneLineage_ComparesContentNotHistory()
    {
        var root = CatalogSnapshot.Create([Entry("a")]);
        var left = root.Update([Entry("b")], []);
        var right = root.Update([Entry("c")], []);       // same revision as left, different content

        var diff = CatalogDiffer.Diff(left, right);

        Assert.Equal(left.Revision, right.Revision);
        Assert.Equal([(CatalogChangeKind.Removed, "b"), (CatalogChangeKind.Added, "c")], diff.Select(c => (c.Kind, c.Key.Name)));
    }

    [Fact]
    public void Diff_HistoryBeyondBudget_FallsBackToFullComparison()
    {
        var start = CatalogSnapshot.Create([Entry("a")]);
        var current = start;
        for (var i = 0; i < 5000; i++)
        {
            current = current.Update([Entry("k" + (i % 10).ToString(System.Globalization.CultureInfo.InvariantCulture), i.ToString(System.Globalization.CultureInfo.InvariantCulture))], []);
        }

        var diff = CatalogDiffer.Diff(start, current);

        Assert.Equal(10, diff.Count);
        Assert.All(diff, c => Assert.Equal(CatalogChangeKind.Added, c.Kind));
        Assert.Equal(current.ToArray(), CatalogDiffer.Apply(start, diff).ToArray());
    }

    [Fact]
    public void Diff_SameSnapshot_IsEmpty()
    {
        var snapshot = CatalogSnapshot.Create([Entry("a")]);

        Assert.True(CatalogDiffer.Diff(snapshot, snapshot).IsEmpty);
        Assert.True(CatalogDiffer.Diff(snapshot, CatalogSnapshot.Create([Entry("a")])).IsEmpty);
    }

    [Fact]
    public void Apply_OldEntryMismatch_ThrowsAndAppliesNothing()
    {
        var snapshot = CatalogSnapshot.Create([Entry("a"), Entry("b")]);
        var diff = CatalogDiff.Create([CatalogChange.Added(Entry("0")), CatalogChange.Updated(Entry("b", "stale"), Entry("b", "new"))]);

        var ex = Assert.Throws<CatalogDiffMismatchException>(() => CatalogDiffer.Apply(snapshot, diff));

        Assert.Equal(K("b"), ex.Key);
        Assert.Equal(0, snapshot.Revision);
        Assert.False(snapshot.ContainsKey(K("0")));
    }

    [Fact]
    public void Apply_AddOfPresentKey_Throws()
    {
        var snapshot = CatalogSnapshot.Create([Entry("a")]);

        var ex = Assert.Throws<CatalogDiffMismatchException>(() => CatalogDiffer.Apply(snapshot, CatalogDiff.Create([CatalogChange.Added(Entry("a"))])));

        Assert.Contains("already holds", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_ThenDiff_RecordsTheAppliedChangesInTheLineage()
    {
        var snapshot = CatalogSnapshot.Create([Entry("a")]);
        var diff = CatalogDiff.Create([CatalogChange.Removed(Entry("a")), CatalogChange.Added(Entry("b"))]);

        var next = CatalogDiffer.Apply(snapshot, diff);

        Assert.Equal(1, next.Revision);
        Assert.Equal(diff.Changes, CatalogDiffer.Diff(snapshot, next).Changes);
    }

    [Fact]
    public void CatalogDiffCreate_DuplicateKey_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => CatalogDiff.Create([CatalogChange.Added(Entry("a")), CatalogChange.Removed(Entry("a"))]));

        Assert.Equal("changes", ex.ParamName);
    }

    [Fact]
    public void CatalogChangeUpdated_DifferentKeys_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => CatalogChange.Updated(Entry("a"), Entry("b")));

        Assert.Equal("newEntry", ex.ParamName);
    }
}
