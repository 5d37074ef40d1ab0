using Birthday.Core.Occasions;
using NodaTime;

namespace Birthday.Tests.Unit;

public class OccasionCatalogTests
{
    [Fact]
    public void Default_catalog_has_birthday_and_anniversary_at_0900()
    {
        var kinds = OccasionCatalog.Default.Kinds;

        Assert.Equal(["birthday", "anniversary"], kinds.Select(kind => kind.Code));
        Assert.All(kinds, kind => Assert.Equal(new LocalTime(9, 0), kind.SendTime));
    }

    [Fact]
    public void Birthday_message_names_the_user()
    {
        var message = OccasionCatalog.Default.Get("birthday").Render("Ada", "Lovelace");

        Assert.Equal("Hey, Ada Lovelace it's your birthday", message);
    }

    [Fact]
    public void Anniversary_message_names_the_user()
    {
        var message = OccasionCatalog.Default.Get("anniversary").Render("Grace", "Hopper");

        Assert.Equal("Hey, Grace Hopper it's your work anniversary", message);
    }

    [Fact]
    public void Names_containing_placeholders_are_not_expanded_again()
    {
        var message = OccasionCatalog.Default.Get("birthday").Render("{last}", "{first}");

        Assert.Equal("Hey, {last} {first} it's your birthday", message);
    }

    [Fact]
    public void Unknown_code_is_not_found()
    {
        Assert.False(OccasionCatalog.Default.TryGet("retirement", out _));
        Assert.Throws<KeyNotFoundException>(() => OccasionCatalog.Default.Get("retirement"));
    }

    [Fact]
    public void Codes_are_matched_exactly()
    {
        Assert.False(OccasionCatalog.Default.TryGet("Birthday", out _));
    }

    [Fact]
    public void A_third_kind_is_only_a_registration()
    {
        var retirement = new OccasionKind("retirement", new LocalTime(10, 0), "Enjoy it, {first} {last}");

        var catalog = OccasionCatalog.Default.With(retirement);

        Assert.Equal(3, catalog.Kinds.Count);
        Assert.Equal("Enjoy it, Ada Lovelace", catalog.Get("retirement").Render("Ada", "Lovelace"));
        Assert.Equal(2, OccasionCatalog.Default.Kinds.Count);
    }

    [Fact]
    public void Send_time_is_configurable_per_kind()
    {
        var birthday = OccasionCatalog.Default.Get("birthday");

        var catalog = OccasionCatalog.Default.With(birthday with { SendTime = new LocalTime(8, 15) });

        Assert.Equal(new LocalTime(8, 15), catalog.Get("birthday").SendTime);
        Assert.Equal(new LocalTime(9, 0), catalog.Get("anniversary").SendTime);
        Assert.Equal(2, catalog.Kinds.Count);
    }

    [Fact]
    public void Duplicate_codes_are_rejected()
    {
        var kind = new OccasionKind("birthday", new LocalTime(9, 0), "x");

        Assert.Throws<ArgumentException>(() => new OccasionCatalog(kind, kind));
    }
}
