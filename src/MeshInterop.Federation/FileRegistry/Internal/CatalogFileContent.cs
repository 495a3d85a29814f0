namespace MeshInterop.Federation.FileRegistry.Internal;

/// <summary>The bytes of a catalog file, or why they could not be read.</summary>
internal readonly record struct CatalogFileContent(byte[] Bytes, string? Error)
{
    public static async Task<CatalogFileContent> ReadAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                if (stream.Length > CatalogFile.MaxFileBytes)
                {
                    return new([], $"is larger than the {CatalogFile.MaxFileBytes / (1024 * 1024)} MiB a catalog file may have");
                }

                var bytes = new byte[stream.Length];
                await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
                return new(bytes, null);
            }
        }
        catch (FileNotFoundException)
        {
            return new([], "does not exist");
        }
        catch (DirectoryNotFoundException)
        {
            return new([], "does not exist (nor does its directory)");
        }
        catch (UnauthorizedAccessException ex)
        {
            return new([], "cannot be read: " + ex.Message);
        }
        catch (IOException ex)
        {
            return new([], "cannot be read: " + ex.Message);
        }
    }
}
