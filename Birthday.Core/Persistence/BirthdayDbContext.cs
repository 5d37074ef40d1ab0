using Microsoft.EntityFrameworkCore;

namespace Birthday.Core.Persistence;

/// <summary>The application's database, on the primary: every write goes here.</summary>
public class BirthdayDbContext : DbContext
{
    public BirthdayDbContext(DbContextOptions<BirthdayDbContext> options) : base(options)
    {
    }

    /// <summary>For <see cref="ReadOnlyBirthdayDbContext"/>, which shares the model but not the connection.</summary>
    protected BirthdayDbContext(DbContextOptions options) : base(options)
    {
    }
}
