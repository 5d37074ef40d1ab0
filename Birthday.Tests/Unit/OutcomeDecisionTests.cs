using Birthday.Core.Messages;
using Birthday.Worker.Sending;

namespace Birthday.Tests.Unit;

/// <summary>What the worker records for each outcome of a send: the retry budget, the backoff and Retry-After.</summary>
public sealed class OutcomeDecisionTests
{
    private static readonly NodaTime.Instant Now = Iso.Instant("2027-02-26T09:00:00Z");

    private static readonly DeliveryOptions Options = new()
    {
        MaxAttempts = 4,
        FirstRetryDelay = TimeSpan.FromSeconds(30),
        MaxRetryDelay = TimeSpan.FromMinutes(5),
    };

    [Fact]
    public void A_delivered_message_is_sent_with_its_attempt_counted()
    {
        var decision = OutcomeDecision.For(0, SendOutcome.Delivered("vendor-1"), cancel: false, Now, Options);

        Assert.Equal(new OutcomeDecision(MessageStatus.Sent, 1, null, null), decision);
        Assert.True(decision.Finished);
    }

    [Fact]
    public void A_permanent_refusal_fails_at_once_with_the_vendors_error()
    {
        var decision = OutcomeDecision.For(0, SendOutcome.Permanent("HTTP 400: bad address"), cancel: false, Now, Options);

        Assert.Equal(new OutcomeDecision(MessageStatus.Failed, 1, "HTTP 400: bad address", null), decision);
    }

    [Fact]
    public void A_transient_failure_within_the_budget_is_retried_after_the_first_delay_with_jitter()
    {
        var decision = OutcomeDecision.For(0, SendOutcome.Transient("HTTP 503"), cancel: false, Now, Options);

        Assert.Equal((MessageStatus.Pending, 1, "HTTP 503"), (decision.Status, decision.Attempts, decision.Error));
        var delay = (decision.NextAttemptAt!.Value - Now).ToTimeSpan();
        Assert.InRange(delay, TimeSpan.FromSeconds(24), TimeSpan.FromSeconds(36));
        Assert.False(decision.Finished);
    }

    [Fact]
    public void The_last_attempt_of_the_budget_fails_the_message_and_says_so()
    {
        var decision = OutcomeDecision.For(Options.MaxAttempts - 1, SendOutcome.Transient("timeout"), cancel: false, Now, Options);

        Assert.Equal(MessageStatus.Failed, decision.Status);
        Assert.Equal("retry budget spent after 4 attempts; last: timeout", decision.Error);
        Assert.Null(decision.NextAttemptAt);
    }

    [Fact]
    public void A_try_the_circuit_breaker_refused_does_not_spend_the_budget()
    {
        var decision = OutcomeDecision.For(Options.MaxAttempts - 1, SendOutcome.Transient("circuit open", reachedVendor: false), cancel: false, Now, Options);

        Assert.Equal((MessageStatus.Pending, Options.MaxAttempts - 1), (decision.Status, decision.Attempts));
    }

    [Fact]
    public void A_message_of_a_deleted_user_is_cancelled_without_counting_an_attempt()
    {
        var decision = OutcomeDecision.For(2, SendOutcome.Permanent("the user was deleted"), cancel: true, Now, Options);

        Assert.Equal(new OutcomeDecision(MessageStatus.Cancelled, 2, "the user was deleted", null), decision);
        Assert.False(decision.Finished);
    }

    [Theory]
    [InlineData(1, 30)]
    [InlineData(2, 60)]
    [InlineData(3, 120)]
    [InlineData(4, 240)]
    [InlineData(5, 300)]
    [InlineData(30, 300)]
    public void The_delay_doubles_per_attempt_up_to_the_cap_within_20_percent_jitter(int attempts, int seconds)
    {
        for (var i = 0; i < 50; i++)
        {
            var delay = OutcomeDecision.RetryDelay(attempts, retryAfter: null, Options);

            Assert.InRange(delay.TotalSeconds, seconds * 0.8, seconds * 1.2);
        }
    }

    [Fact]
    public void Retry_after_is_honoured_when_it_is_longer_than_the_backoff_and_ignored_when_shorter()
    {
        Assert.Equal(TimeSpan.FromMinutes(10), OutcomeDecision.RetryDelay(1, TimeSpan.FromMinutes(10), Options));
        Assert.InRange(OutcomeDecision.RetryDelay(1, TimeSpan.FromSeconds(1), Options).TotalSeconds, 24, 36);
    }
}
