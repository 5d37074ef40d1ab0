using Birthday.Core.Messages;
using Birthday.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Birthday.Core.Persistence;

internal sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> message)
    {
        message.ToTable("messages");
        message.HasKey(m => m.Id);
        message.Property(m => m.Kind).HasMaxLength(32);
        message.Property(m => m.Status).HasConversion<string>().HasMaxLength(16);
        message.Property(m => m.IdempotencyKey).HasMaxLength(100);
        message.Property(m => m.Email).HasMaxLength(255);
        message.Property(m => m.Text).HasMaxLength(400);
        message.Property(m => m.ProviderMessageId).HasMaxLength(200);
        message.Property(m => m.LastError).HasMaxLength(2000);
        message.Property(m => m.TraceParent).HasMaxLength(64);
        message.Ignore(m => m.IsOpen);
        message.HasOne<User>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Restrict);

        // A key is never reused by two live rows; a cancelled row's key may come back for the same day's replacement.
        // The key is made of the user, the kind and the local date (Message.KeyFor), so this index also keeps an
        // occurrence from having two open rows, or an open row beside its sent one: a second unique index on those three
        // columns for open rows (dropped in DropOpenOccurrenceIndex) cost every create two more index entries for nothing.
        message.HasIndex(m => m.IdempotencyKey)
            .IsUnique()
            .HasFilter("status <> 'Cancelled'")
            .HasDatabaseName(DatabaseConstraints.IdempotencyKeyIndex);

        // The scheduler's claim: Pending rows whose next attempt is due, oldest first. Small, because few rows are pending-and-due.
        message.HasIndex(m => m.NextAttemptAt)
            .HasFilter("status = 'Pending'")
            .HasDatabaseName("ix_messages_pending_due");

        // Recovery of lapsed leases.
        message.HasIndex(m => m.LeaseUntil)
            .HasFilter("status IN ('Enqueued', 'Sending')")
            .HasDatabaseName("ix_messages_leased");

        // A user's history, newest first.
        message.HasIndex(m => new { m.UserId, m.DueAt }).HasDatabaseName("ix_messages_user_due");
    }
}
