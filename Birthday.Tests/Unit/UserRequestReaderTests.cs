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
            var read = Read(BadInputCorpus.UserBody("ada@example.com", field, Encoding.ASCII.GetBytes($"\"{escaped}\"")), requireAll);

            Assert.True(read.Errors.TryGetValue(field, out var reasons), $"{field} = \"{escaped}\" was not refused: {read}");
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
        var body = BadInputCorpus.UserBody("ada@example.com", field, Encoding.ASCII.GetBytes(field == "birthdayDate" ? "\"1990-05-17\"" : "\"ada@example.com\""));
        var twice = Encoding.UTF8.GetString(body)[..^1] + $",\"{field}\":" + (field == "birthdayDate" ? "\"1991-06-18\"" : "\"grace@example.com\"") + "}";

        var read = Read(Encoding.UTF8.GetBytes(twice), requireAll: true);

        Assert.True(read.Errors.ContainsKey(field), read.ToString());
    }

    [Theory]
    [InlineData(@"\ud800")]
    [InlineData(@"\udc00\udc00")]
    [InlineData(@"first\ud800Name")]
    public void A_property_name_that_is_not_unicode_text_is_refused_as_a_fault_of_the_body(string name)
    {
        var read = Read(Encoding.UTF8.GetBytes($"{{\"{name}\": 1, \"firstName\": \"Ada\"}}"), requireAll: false);

        Assert.True(read.Errors.ContainsKey("$"), read.ToString());
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
        var read = Read(BadInputCorpus.UserBody("ada@example.com", "firstName", Encoding.UTF8.GetBytes(JsonSerializer.Serialize(name))), requireAll: true);

        Assert.True(read.Changes is not null, read.ToString());
        Assert.Equal(name, read.Changes.FirstName.Value);
    }

    [Fact]
    public void A_name_of_100_emoji_is_100_characters_and_accepted()
    {
        var name = string.Concat(Enumerable.Repeat("😀", 100));
        var read = Read(BadInputCorpus.UserBody("ada@example.com", "lastName", Encoding.UTF8.GetBytes(JsonSerializer.Serialize(name))), requireAll: true);

        Assert.True(read.Changes is not null, read.ToString());
        Assert.Equal(name, read.Changes.LastName.Value);
    }

    private static ReadResult Read(byte[] json, bool requireAll)
    {
        using var document = JsonDocument.Parse(json);
        UserRequestReader.TryRead(document.RootElement, requireAll, out var changes, out var errors);
        return new ReadResult(changes, errors ?? new Dictionary<string, string[]>());
    }

    private sealed record ReadResult(UserChanges? Changes, IDictionary<string, string[]> Errors)
    {
        public override string ToString() =>
            Errors.Count > 0 ? string.Join("; ", Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")) : "no errors";
    }
}
