using Microsoft.EntityFrameworkCore;

namespace Birthday.Core.Persistence;

/// <summary>
/// The same model on the streaming replica: for reads whose answer may lag the primary by a moment.
/// It never tracks entities, and SaveChanges is refused (the replica would refuse it anyway, later and less clearly).
/// </summary>
public sealed class ReadOnlyBirthdayDbContext(DbContextOptions<ReadOnlyBirthdayDbContext> options) : BirthdayDbContext(options)
{
    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        throw new InvalidOperationException("The read replica context does not write.");

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default) =>
        throw new InvalidOperationException("The read replica context does not write.");
}
