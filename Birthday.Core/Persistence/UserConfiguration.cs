using Birthday.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Birthday.Core.Persistence;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> user)
    {
        user.ToTable("users");
        user.HasKey(u => u.Id);
        user.Property(u => u.FirstName).HasMaxLength(100);
        user.Property(u => u.LastName).HasMaxLength(100);
        user.Property(u => u.Email).HasMaxLength(255);
        user.Property(u => u.TimeZone).HasMaxLength(64);
        user.Property(u => u.LocationCity).HasMaxLength(100);
        user.Property(u => u.LocationCountry).HasMaxLength(100);
        user.Ignore(u => u.IsActive);

        // An email belongs to one active user at a time, whatever its case; a deleted user's email is free again.
        user.Property(u => u.EmailKey).HasMaxLength(255).HasComputedColumnSql("lower(email)", stored: true);
        user.HasIndex(u => u.EmailKey).IsUnique().HasFilter("deleted_at IS NULL").HasDatabaseName(DatabaseConstraints.ActiveEmailIndex);
    }
}
