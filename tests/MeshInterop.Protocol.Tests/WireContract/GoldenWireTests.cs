using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace MeshInterop.Protocol.Tests.WireContract;

/// <summary>
/// Each fixture's bytes come from protoc (see Golden/generate.sh), never from the C# runtime, so these
/// tests prove that the generated C# code speaks the Hamlet wire contract byte for byte.
/// </summary>
public sealed class GoldenWireTests
{
    public static TheoryData<string> Fixtures => new(GoldenFixture.Names);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void ToByteArray_FixtureMessage_EqualsProtocBytes(string fixture)
    {
        var message = GoldenMessages.All[fixture]();
        Assert.Equal(GoldenFixture.MessageType(fixture), message.Descriptor.FullName);

        var expected = GoldenFixture.Bytes(fixture);
        var actual = message.ToByteArray();
        if (GoldenMessages.UnorderedMaps.Contains(fixture))
        {
            // Map entry order is unspecified on the wire (Go randomises it); only the size is comparable.
            Assert.Equal(expected.Length, actual.Length);
        }
        else
        {
            Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(actual));
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void ParseFrom_ProtocBytes_EqualsFixtureMessage(string fixture)
    {
        var expected = GoldenMessages.All[fixture]();

        var parsed = expected.Descriptor.Parser.ParseFrom(GoldenFixture.Bytes(fixture));

        Assert.Equal(expected, parsed);
    }

    [Fact]
    public void Fixtures_EveryTextFixtureHasACSharpTwin_AndNoneIsMissing()
    {
        Assert.Equal(GoldenMessages.All.Keys.Order(StringComparer.Ordinal), GoldenFixture.Names);
    }

    public static TheoryData<string> HamletMessageTypes => new(
        HamletDescriptors.Files
            .SelectMany(file => file.MessageTypes)
            .SelectMany(message => message.NestedTypes.Where(nested => nested.GetOptions()?.MapEntry != true).Prepend(message))
            .Select(message => message.FullName));

    [Theory]
    [MemberData(nameof(HamletMessageTypes))]
    public void Fixtures_EveryHamletMessageType_HasAFullyPopulatedFixture(string messageType)
    {
        var fullyPopulated = GoldenMessages.All.Values
            .Select(build => build())
            .Where(message => string.Equals(message.Descriptor.FullName, messageType, StringComparison.Ordinal))
            .Any(message => message.Descriptor.Fields.InFieldNumberOrder().All(field => IsSet(field, message)));

        Assert.True(fullyPopulated, $"No golden fixture sets every field of {messageType}.");
    }

    private static bool IsSet(FieldDescriptor field, IMessage message)
    {
        var value = field.Accessor.GetValue(message);
        return value switch
        {
            null => false,
            System.Collections.ICollection collection => collection.Count > 0,
            string text => text.Length > 0,
            uint number => number != 0,
            int number => number != 0,
            Enum enumValue => Convert.ToInt32(enumValue, System.Globalization.CultureInfo.InvariantCulture) != 0,
            IMessage => true,
            _ => throw new InvalidOperationException($"Field {field.FullName} has an unexpected type {value.GetType()}."),
        };
    }
}
