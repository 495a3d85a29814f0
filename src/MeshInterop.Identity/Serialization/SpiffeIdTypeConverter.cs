using System.ComponentModel;
using System.Globalization;

namespace MeshInterop.Identity.Serialization;

/// <summary>
/// Converts between <see cref="string"/> and <see cref="SpiffeId"/>, so IDs bind from configuration. Strings are
/// parsed strictly; the culture is ignored.
/// </summary>
public sealed class SpiffeIdTypeConverter : TypeConverter
{
    /// <inheritdoc/>
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType)
        => sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    /// <inheritdoc/>
    public override bool CanConvertTo(ITypeDescriptorContext? context, Type? destinationType)
        => destinationType == typeof(string) || base.CanConvertTo(context, destinationType);

    /// <inheritdoc/>
    /// <exception cref="SpiffeIdFormatException">The string is not a valid SPIFFE ID.</exception>
    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value)
        => value is string text ? SpiffeId.Parse(text) : base.ConvertFrom(context, culture, value);

    /// <inheritdoc/>
    /// <exception cref="ArgumentException"><paramref name="value"/> is <c>default(SpiffeId)</c>.</exception>
    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType)
    {
        if (destinationType == typeof(string) && value is SpiffeId id)
        {
            return id.IsEmpty ? throw new ArgumentException("default(SpiffeId) cannot be converted.", nameof(value)) : id.ToString();
        }

        return base.ConvertTo(context, culture, value, destinationType);
    }
}
