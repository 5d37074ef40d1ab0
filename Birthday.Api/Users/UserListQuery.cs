using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace Birthday.Api.Users;

/// <summary>
/// The list's query string (<c>limit</c>, <c>after</c>), read by hand rather than bound to typed parameters: binding
/// turns <c>limit=abc</c> or <c>limit=1&amp;limit=2</c> into an exception (a 500 in Development, an empty 400 otherwise)
/// and a repeated <c>after</c> into one comma-joined value. Here every such value is a refusal naming the parameter.
/// Other parameters are ignored.
/// </summary>
public readonly record struct UserListQuery(Guid? After, int Limit)
{
    public static bool TryRead(IQueryCollection query, out UserListQuery list, out Dictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(query);
        errors = [];
        var limit = ReadLimit(query["limit"], errors);
        var after = ReadAfter(query["after"], errors);
        list = new UserListQuery(after, limit);
        return errors.Count == 0;
    }

    private static int ReadLimit(StringValues values, Dictionary<string, string[]> errors)
    {
        if (values.Count == 0)
        {
            return UserQueries.DefaultPageSize;
        }

        if (values.Count > 1)
        {
            errors["limit"] = ["The parameter is given more than once; give it once."];
        }
        // ASCII digits and nothing else: int.TryParse alone would also take trailing NULs ("5%00" is 5). An overflow
        // fails the parse.
        else if (values[0] is not { Length: > 0 } text || text.AsSpan().ContainsAnyExceptInRange('0', '9')
            || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit)
            || limit is < 1 or > UserQueries.MaxPageSize)
        {
            errors["limit"] = [$"The page size must be a whole number from 1 to {UserQueries.MaxPageSize}."];
        }
        else
        {
            return limit;
        }

        return UserQueries.DefaultPageSize;
    }

    private static Guid? ReadAfter(StringValues values, Dictionary<string, string[]> errors)
    {
        if (values.Count == 0)
        {
            return null;
        }

        if (values.Count > 1)
        {
            errors["after"] = ["The parameter is given more than once; give it once."];
        }
        else if (!Guid.TryParse(values[0], out var cursor))
        {
            errors["after"] = ["The cursor is the nextCursor of the previous page."];
        }
        else
        {
            return cursor;
        }

        return null;
    }
}
