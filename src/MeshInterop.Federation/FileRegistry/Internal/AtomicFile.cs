using System.Security.Cryptography;

namespace MeshInterop.Federation.FileRegistry.Internal;

/// <summary>Replaces a file's content so that readers see the old content or the new, never a part of either.</summary>
internal static class AtomicFile
{
    public static async Task WriteAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);

        // Same directory, so the rename stays within one file system and is atomic; a leading dot keeps the file
        // out of casual listings and out of the registry watcher's name filter.
        var temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp");
        try
        {
            var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);

                // The data must be on disk before the rename makes it visible, or a crash could leave an empty file.
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Leaving a stray temporary file is better than hiding the original failure.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
