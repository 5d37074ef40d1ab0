using System.Text;
using System.Text.Json;
using Birthday.Api.Users;
using Birthday.Tests.BadInput;

namespace Birthday.Tests.Unit;

public sealed class UserRequestReaderTests
{
    public static TheoryData<string, string> LoneSurrogates()
    {
        var data = new TheoryData<string, string>();
        foreach (var field in BadInputCorpus.Fields)
        {
            foreach (var escaped in new[] { @"\ud800", @"\udfff", @"A\udc00", @"\udc00\ud800" })
            {
                data.Add(field, escaped);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(LoneSurrogates))]
    public void A_lone_surrogate_in_any_field_is_a_400_naming_the_field(string field, string escaped)
    {
        foreach (var requireAll in new[] { true, false })
        {
            var reader = new UserRequestReader();

            reader.Read(Parse(BadInputCorpus.UserBody("ada@example.com", field, Encoding.ASCII.GetBytes($"\"{escaped}\""))), requireAll);

            Assert.True(reader.Errors.TryGetValue(field, out var reasons), $"{field} = \"{escaped}\" was not refused: {Describe(reader)}");
            Assert.Contains("surrogate", Assert.Single(reasons), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("firstName")]
    [InlineData("email")]
    [InlineData("birthdayDate")]
    [InlineData("locationCountry")]
    public void A_field_given_twice_is_refused_even_when_both_values_are_valid(string field)
    {
        var reader = new UserRequestReader();
        var body = BadInputCorpus.UserBody("ada@example.com", field, Encoding.ASCII.GetBytes(field == "birthdayDate" ? "\"1990-05-17\"" : "\"ada@example.com\""));
        var twice = Encoding.UTF8.GetString(body)[..^1] + $",\"{field}\":" + (field == "birthdayDate" ? "\"1991-06-18\"" : "\"grace@example.com\"") + "}";

        reader.Read(Parse(twice), requireAll: true);

        Assert.True(reader.Errors.ContainsKey(field), Describe(reader));
    }

    [Theory]
    [InlineData(@"\ud800")]
    [InlineData(@"\udc00\udc00")]
    [InlineData(@"first\ud800Name")]
    public void A_property_name_that_is_not_unicode_text_is_refused_as_a_fault_of_the_body(string name)
    {
        var reader = new UserRequestReader();

        reader.Read(Parse($"{{\"{name}\": 1, \"firstName\": \"Ada\"}}"), requireAll: false);

        Assert.True(reader.Errors.ContainsKey("$"), Describe(reader));
    }

    [Theory]
    [InlineData("😀")]
    [InlineData("ليلى")]
    [InlineData("O'Brien")]
    [InlineData("Zoe\u0308")]
    [InlineData("👩‍👩‍👧‍👦")]
    [InlineData("\u202Eevil")]
    public void Odd_but_valid_text_is_read_unchanged(string name)
    {
        var reader = new UserRequestReader();

        var changes = reader.Read(Parse(BadInputCorpus.UserBody("ada@example.com", "firstName", Encoding.UTF8.GetBytes(JsonSerializer.Serialize(name)))), requireAll: true);

        Assert.False(reader.HasErrors, Describe(reader));
        Assert.Equal(name, changes.FirstName.Value);
    }

    [Fact]
    public void A_name_of_100_emoji_is_100_characters_and_accepted()
    {
        var name = string.Concat(Enumerable.Repeat("😀", 100));
        var reader = new UserRequestReader();

        var changes = reader.Read(Parse(BadInputCorpus.UserBody("ada@example.com", "lastName", Encoding.UTF8.GetBytes(JsonSerializer.Serialize(name)))), requireAll: true);

        Assert.False(reader.HasErrors, Describe(reader));
        Assert.Equal(name, changes.LastName.Value);
    }

    private static JsonElement Parse(byte[] json) => JsonDocument.Parse(json).RootElement;

    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;

    private static string Describe(UserRequestReader reader) =>
        reader.HasErrors ? string.Join("; ", reader.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")) : "no errors";
}
