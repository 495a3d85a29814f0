using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MeshInterop.Identity.X509;

/// <summary>
/// An <see cref="IX509SvidSource"/> backed by files that an agent (for example spiffe-helper) rewrites on rotation.
/// The files are polled on the injected clock; a new SVID replaces the current one only when it loads and passes the
/// SVID profile, so a half-written or broken file never replaces a good SVID.
/// </summary>
public sealed partial class FileX509SvidSource : IX509SvidSource, IDisposable
{
    private readonly FileX509SvidSourceOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private X509Svid _current;
    private byte[] _fingerprint;

    /// <summary>Initializes a new instance of the <see cref="FileX509SvidSource"/> class and loads the SVID.</summary>
    /// <param name="options">The file locations and poll interval.</param>
    /// <param name="timeProvider">The clock that drives polling; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">The logger; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Neither both PEM paths nor a PKCS#12 path are set, or the interval is not positive.</exception>
    /// <exception cref="X509SvidLoadException">The files do not hold a valid SVID.</exception>
    public FileX509SvidSource(FileX509SvidSourceOptions options, TimeProvider? timeProvider = null, ILogger<FileX509SvidSource>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var pem = !string.IsNullOrEmpty(options.CertificatePath) && !string.IsNullOrEmpty(options.PrivateKeyPath);
        var pkcs12 = !string.IsNullOrEmpty(options.Pkcs12Path);
        if (pem == pkcs12)
            throw new ArgumentException("Set either CertificatePath and PrivateKeyPath, or Pkcs12Path (not both).", nameof(options));
        if (options.PollInterval <= TimeSpan.Zero)
            throw new ArgumentException("PollInterval must be positive.", nameof(options));
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _fingerprint = ReadFingerprint();
        _current = Load();
        WarnIfNotCurrent(_current);
        _timer = _timeProvider.CreateTimer(static state => ((FileX509SvidSource)state!).TryReload(), this, options.PollInterval, options.PollInterval);
    }

    /// <inheritdoc/>
    public X509Svid Current => Volatile.Read(ref _current);

    /// <inheritdoc/>
    public event EventHandler? Changed;

    /// <summary>Reloads the files now if their content changed. A failure keeps the current SVID and is logged.</summary>
    /// <returns><see langword="true"/> when a new SVID was loaded.</returns>
    public bool TryReload()
    {
        X509Svid next;
        lock (_gate)
        {
            byte[] fingerprint;
            try
            {
                fingerprint = ReadFingerprint();
                if (fingerprint.AsSpan().SequenceEqual(_fingerprint))
                    return false;
                next = Load();
            }
            catch (Exception ex) when (ex is X509SvidLoadException or IOException or UnauthorizedAccessException)
            {
                Log.SvidReloadFailed(_logger, ex, Describe());
                return false;
            }

            _fingerprint = fingerprint;
            Volatile.Write(ref _current, next);
        }

        Log.SvidRotated(_logger, next.SpiffeId.ToString(), next.NotAfter);
        WarnIfNotCurrent(next);
        try
        {
            Changed?.Invoke(this, EventArgs.Empty);
        }
        catch (Exception ex)
        {
            // This runs on a timer thread, where an escaping exception would end the process.
            Log.ChangedHandlerFailed(_logger, ex);
        }

        return true;
    }

    /// <summary>Stops polling. The current SVID stays usable and is not disposed.</summary>
    public void Dispose() => _timer.Dispose();

    private X509Svid Load() => _options.Pkcs12Path is { Length: > 0 } path
        ? X509Svid.LoadPkcs12File(path, _options.Pkcs12Password)
        : X509Svid.LoadPemFiles(_options.CertificatePath!, _options.PrivateKeyPath!);

    private byte[] ReadFingerprint()
    {
        // A content hash, not timestamps: rotations within one timestamp tick are still seen.
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var path in (string?[])[_options.CertificatePath, _options.PrivateKeyPath, _options.Pkcs12Path])
        {
            if (!string.IsNullOrEmpty(path))
                hash.AppendData(File.ReadAllBytes(path));
        }

        return hash.GetHashAndReset();
    }

    private string Describe() => _options.Pkcs12Path ?? $"{_options.CertificatePath}, {_options.PrivateKeyPath}";

    private void WarnIfNotCurrent(X509Svid svid)
    {
        if (!svid.IsValidAt(_timeProvider.GetUtcNow()))
            Log.SvidNotCurrentlyValid(_logger, svid.SpiffeId.ToString(), svid.NotBefore, svid.NotAfter);
    }

    private static partial class Log
    {
        [LoggerMessage(2100, LogLevel.Information, "Loaded rotated X.509-SVID '{SpiffeId}', valid until {NotAfter}.", EventName = nameof(SvidRotated))]
        public static partial void SvidRotated(ILogger logger, string spiffeId, DateTimeOffset notAfter);

        [LoggerMessage(2101, LogLevel.Warning, "Could not reload the X.509-SVID from '{Location}'; keeping the current one.", EventName = nameof(SvidReloadFailed))]
        public static partial void SvidReloadFailed(ILogger logger, Exception exception, string location);

        [LoggerMessage(2103, LogLevel.Error, "A handler of the X.509-SVID Changed event threw; the new SVID is in use regardless.", EventName = nameof(ChangedHandlerFailed))]
        public static partial void ChangedHandlerFailed(ILogger logger, Exception exception);

        [LoggerMessage(2102, LogLevel.Warning, "X.509-SVID '{SpiffeId}' is not valid now (valid from {NotBefore} to {NotAfter}); peers will reject it.", EventName = nameof(SvidNotCurrentlyValid))]
        public static partial void SvidNotCurrentlyValid(ILogger logger, string spiffeId, DateTimeOffset notBefore, DateTimeOffset notAfter);
    }
}
