using Birthday.Api.Apis;
using Birthday.Api.Users;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Birthday.Tests.Unit;

public sealed class UserListQueryTests
{
    [Theory]
    [InlineData("limit=abc")]
    [InlineData("limit=1.5")]
    [InlineData("limit=")]
    [InlineData("limit")]
    [InlineData("limit=99999999999")]
    [InlineData("limit=2147483648")]
    [InlineData("limit=0")]
    [InlineData("limit=201")]
    [InlineData("limit=-1")]
    [InlineData("limit=+5")]
    [InlineData("limit=%205")]
    [InlineData("limit=5%00")]
    [InlineData("limit=1e2")]
    [InlineData("limit=%D9%A1")]
    [InlineData("limit=1&limit=2")]
    [InlineData("limit=1&limit=1")]
    [InlineData("LIMIT=1&limit=1")]
    public void A_limit_that_is_not_one_whole_number_from_1_to_200_is_refused_by_name(string query)
    {
        Assert.False(UserListQuery.TryRead(Query(query), out _, out var errors));
        Assert.Equal(["limit"], errors.Keys);
    }

    [Theory]
    [InlineData("after=abc")]
    [InlineData("after=")]
    [InlineData("after=%00")]
    [InlineData("after=0190a6b2-0000-7000-8000-000000000000&after=0190a6b2-0000-7000-8000-000000000001")]
    public void A_cursor_that_is_not_one_id_is_refused_by_name(string query)
    {
        Assert.False(UserListQuery.TryRead(Query(query), out _, out var errors));
        Assert.Equal(["after"], errors.Keys);
    }

    [Fact]
    public void Both_parameters_wrong_are_both_named()
    {
        Assert.False(UserListQuery.TryRead(Query("limit=x&after=y"), out _, out var errors));
        Assert.Equal(["after", "limit"], errors.Keys.Order());
    }

    [Theory]
    [InlineData("", null, UserQueries.DefaultPageSize)]
    [InlineData("limit=1", null, 1)]
    [InlineData("limit=200&other=x&other=y", null, 200)]
    [InlineData("limit=007", null, 7)]
    [InlineData("after=0190a6b2-0000-7000-8000-000000000000", "0190a6b2-0000-7000-8000-000000000000", UserQueries.DefaultPageSize)]
    public void Good_parameters_are_read_and_others_ignored(string query, string? after, int limit)
    {
        Assert.True(UserListQuery.TryRead(Query(query), out var list, out _));
        Assert.Equal(new UserListQuery(after is null ? null : Guid.Parse(after), limit), list);
    }

    [Fact]
    public void An_echoed_value_is_never_cut_inside_a_surrogate_pair()
    {
        // Half a pair cannot be written as JSON: the 404's own body would fail to serialise, and the answer become a 500.
        var id = new string('a', 63) + "😀" + new string('b', 10);

        var detail = ApiProblems.UserNotFound(id).ProblemDetails.Detail!;

        Assert.DoesNotContain(detail, char.IsSurrogate);
    }

    private static QueryCollection Query(string query) => new(QueryHelpers.ParseQuery(query));
}
