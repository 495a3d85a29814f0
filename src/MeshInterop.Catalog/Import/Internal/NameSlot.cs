namespace MeshInterop.Catalog.Import.Internal;

/// <summary>
/// A local name that more than one party claims, or that a local service owns: the local flag, the imports ordered
/// oldest first, and the outcome of the last settlement. A name with a single import and no local service has no
/// slot object; the import itself stands in the view's index.
/// </summary>
internal sealed class NameSlot
{
    private ImportRecord? _oldest;
    private List<ImportRecord>? _younger;

    internal int Count => _oldest is null ? 0 : 1 + (_younger?.Count ?? 0);

    internal ImportRecord this[int index] => index == 0 ? _oldest! : _younger![index - 1];

    internal bool Local { get; set; }

    /// <summary>Gets or sets the import whose entry is projected under the name (the earliest one of an aggregate).</summary>
    internal ImportRecord? Winner { get; set; }

    /// <summary>Gets or sets the merged entry when several imports are aggregated; <see langword="null"/> otherwise.</summary>
    internal CatalogEntry? Aggregate { get; set; }

    /// <summary>Gets or sets the operation that last recorded this slot's state (see <see cref="ChangeCollector"/>).</summary>
    internal long Stamp { get; set; }

    internal bool IsUnused => _oldest is null && !Local;

    internal void Insert(ImportRecord record)
    {
        if (_oldest is null)
        {
            _oldest = record;
            return;
        }

        if (ImportRecord.Age.Compare(record, _oldest) < 0)
            (_oldest, record) = (record, _oldest);
        _younger ??= new List<ImportRecord>(1);
        var index = _younger.BinarySearch(record, ImportRecord.Age);
        _younger.Insert(index < 0 ? ~index : index, record);
    }

    internal void Remove(ImportRecord record)
    {
        if (ReferenceEquals(_oldest, record))
        {
            if (_younger is { Count: > 0 })
            {
                _oldest = _younger[0];
                _younger.RemoveAt(0);
            }
            else
            {
                _oldest = null;
            }

            return;
        }

        _younger?.Remove(record);
    }
}
