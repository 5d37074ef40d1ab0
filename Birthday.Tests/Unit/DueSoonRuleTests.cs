using Birthday.Core.Messages;
using Birthday.Core.Occasions;
using Birthday.Core.Users;
using NodaTime;

namespace Birthday.Tests.Unit;

/// <summary>Which writes wake the schedulers: a Pending row claimable before their next idle look, and no other.</summary>
public sealed class DueSoonRuleTests
{
    private static readonly Instant Now = Iso.Instant("2027-02-26T08:59:58Z");

    private static readonly DeliveryOptions Options = new() { IdlePollInterval = TimeSpan.FromSeconds(5) };

    [Fact]
    public void A_row_due_before_the_schedulers_next_idle_look_wakes_them()
    {
        Assert.True(DueSoonRule.IsDueSoon(Iso.Instant("2027-02-26T09:00:00Z"), Now, Options));
    }

    [Fact]
    public void A_row_already_due_wakes_them()
    {
        Assert.True(DueSoonRule.IsDueSoon(Now - Duration.FromMinutes(3), Now, Options));
    }

    [Fact]
    public void A_row_due_at_the_next_idle_look_or_later_does_not_since_they_find_it_then()
    {
        Assert.False(DueSoonRule.IsDueSoon(Now + Duration.FromSeconds(5), Now, Options));
        Assert.False(DueSoonRule.IsDueSoon(Now + Duration.FromDays(365), Now, Options));
    }

    [Fact]
    public void The_window_is_the_idle_interval_the_options_set()
    {
        var longer = new DeliveryOptions { IdlePollInterval = TimeSpan.FromMinutes(1) };

        Assert.True(DueSoonRule.IsDueSoon(Now + Duration.FromSeconds(30), Now, longer));
        Assert.False(DueSoonRule.IsDueSoon(Now + Duration.FromSeconds(30), Now, Options));
    }

    [Fact]
    public void Only_Pending_rows_count_among_several()
    {
        var dueNow = Scheduled(Now);
        var cancelledDueNow = Scheduled(Now);
        cancelledDueNow.Cancel(Now);
        var nextYear = Scheduled(Now + Duration.FromDays(365));

        Assert.False(DueSoonRule.AnyDueSoon([cancelledDueNow, nextYear], Now, Options));
        Assert.True(DueSoonRule.AnyDueSoon([nextYear, dueNow], Now, Options));
    }

    private static Message Scheduled(Instant dueAt)
    {
        var user = new User { Id = Guid.NewGuid(), FirstName = "Ada", LastName = "Lovelace", Email = "ada@example.com", TimeZone = "Etc/UTC" };
        var kind = OccasionCatalog.Default.Kinds[0];
        return Message.Schedule(user, kind, new Occurrence(dueAt.InUtc().Date, dueAt), Now);
    }
}
