namespace MeshInterop.Catalog.Import.Internal;

/// <summary>Everything that claims one local name: a local service, and imports ordered oldest first.</summary>
internal sealed class NameSlot
{
    internal List<ImportRecord> Candidates { get; } = new(1);

    internal bool Local { get; set; }

    internal CatalogEntry? Projected { get; set; }

    internal bool IsUnused => Candidates.Count == 0 && !Local;

    internal void Insert(ImportRecord record)
    {
        var index = Candidates.BinarySearch(record, ImportRecord.Age);
        Candidates.Insert(index < 0 ? ~index : index, record);
    }

    internal void Remove(ImportRecord record)
    {
        var index = Candidates.BinarySearch(record, ImportRecord.Age);
        if (index >= 0 && ReferenceEquals(Candidates[index], record))
            Candidates.RemoveAt(index);
        else
            Candidates.Remove(record);
    }
}
