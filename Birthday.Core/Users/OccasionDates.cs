using System.Linq.Expressions;
using NodaTime;

namespace Birthday.Core.Users;

/// <summary>
/// Which of a user's dates each occasion kind is the anniversary of: the one registration a new kind adds beside its
/// catalog entry. Kept as expressions so the database can be asked "who has this date set?" for any kind.
/// </summary>
public static class OccasionDates
{
    public static IReadOnlyDictionary<string, Expression<Func<User, LocalDate?>>> Selectors { get; } =
        new Dictionary<string, Expression<Func<User, LocalDate?>>>(StringComparer.Ordinal)
        {
            [OccasionCodes.Birthday] = u => u.BirthdayDate,
            [OccasionCodes.Anniversary] = u => u.AnniversaryDate,
        };

    private static readonly Dictionary<string, Func<User, LocalDate?>> Compiled =
        Selectors.ToDictionary(s => s.Key, s => s.Value.Compile(), StringComparer.Ordinal);

    public static LocalDate? Of(User user, string kindCode) =>
        Compiled.TryGetValue(kindCode, out var selector) ? selector(user) : null;

    /// <summary><c>u => u.{date of kind} != null</c>, for queries.</summary>
    public static Expression<Func<User, bool>> IsSet(string kindCode)
    {
        var selector = Selectors[kindCode];
        return Expression.Lambda<Func<User, bool>>(
            Expression.NotEqual(selector.Body, Expression.Constant(null, typeof(LocalDate?))), selector.Parameters);
    }
}
