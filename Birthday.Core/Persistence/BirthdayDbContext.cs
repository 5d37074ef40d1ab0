using Birthday.Core.Messages;
using Birthday.Core.Users;
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

    public DbSet<User> Users => Set<User>();

    public DbSet<Message> Messages => Set<Message>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(BirthdayDbContext).Assembly);
    }
}
