namespace Birthday.Core.Users;

/// <summary>The occasion kinds a user's own dates feed; the catalog says how each is sent.</summary>
public static class OccasionCodes
{
    public const string Birthday = "birthday";
    public const string Anniversary = "anniversary";
}
